package main

import (
	"fmt"
	"hash/fnv"
	"strings"
)

var subjects = []string{"Mathematics", "English", "Physics", "Chemistry", "Biology", "History", "Geography", "Kiswahili"}

// document builds a DRF-like paginated JSON document of exactly size bytes
// (size >= 2), deterministic in (size, seed): {"count":N,"next":null,
// "previous":null,"results":[{grade row}, ...],"pad":"..."}.
func document(size int, seed string) []byte {
	h := fnv.New64a()
	h.Write([]byte(seed))
	x := h.Sum64() | 1
	next := func() uint64 { // xorshift64
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return x
	}
	var rows []string
	n := 0
	const frame = len(`{"count":0000000,"next":null,"previous":null,"results":[],"pad":""}`)
	for {
		r := next()
		row := fmt.Sprintf(`{"id":%d,"student":"Student %05d","subject":%q,"term":%d,"score":%d.%d,"updated":"2025-%02d-%02dT%02d:%02d:00Z"}`,
			len(rows)+1, r%100000, subjects[r>>20%uint64(len(subjects))], 1+r>>24%3, r>>28%101, r>>36%10,
			1+r>>40%12, 1+r>>44%28, r>>48%24, r>>54%60)
		if frame+n+len(row)+1 > size {
			break
		}
		rows = append(rows, row)
		n += len(row) + 1
	}
	if len(rows) > 0 {
		n-- // no comma after the last row
	}
	head := fmt.Sprintf(`{"count":%-7d,"next":null,"previous":null,"results":[%s],"pad":"`, len(rows), strings.Join(rows, ","))
	pad := size - len(head) - len(`"}`)
	if pad < 0 { // tiny sizes: a bare string of the right length
		if size < 2 {
			size = 2
		}
		return []byte(`"` + strings.Repeat("x", size-2) + `"`)
	}
	return []byte(head + strings.Repeat(" ", pad) + `"}`)
}
