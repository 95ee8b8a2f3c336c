package main

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// grade is one row of the sample API, shaped like the school system's DRF
// serializer output.
type grade struct {
	ID      int       `json:"id"`
	Student string    `json:"student"`
	Subject string    `json:"subject"`
	Score   int       `json:"score"`
	Updated time.Time `json:"updated"` // encoded as RFC 3339 (with nanoseconds when present)
}

// gradeBook holds the sample data in memory. It is safe for concurrent use.
type gradeBook struct {
	now func() time.Time

	mu     sync.Mutex
	rows   map[int]grade
	nextID int
	max    time.Time // greatest Updated of any row, the ETag material
}

// seedEpoch is when the seed rows were "last edited"; fixed so the first ETag
// of a fresh server is always the same.
var seedEpoch = time.Date(2025, 1, 6, 8, 0, 0, 0, time.UTC)

var seedRows = []struct {
	student, subject string
	score            int
}{
	{"Ayesha Khan", "Mathematics", 78},
	{"Bilal Ahmed", "English", 64},
	{"Fatima Malik", "Biology", 91},
	{"Hamza Qureshi", "Chemistry", 55},
	{"Sana Baloch", "Physics", 83},
	{"Usman Tariq", "Pakistan Studies", 70},
	{"Zainab Shah", "Geography", 88},
	{"Hassan Ali", "Urdu", 74},
	{"Mariam Iqbal", "Mathematics", 95},
	{"Omar Farooq", "English", 61},
	{"Noor Fatima", "Biology", 67},
	{"Ali Raza", "Chemistry", 80},
}

// newGradeBook returns a book holding the seed rows; now stamps later edits.
func newGradeBook(now func() time.Time) *gradeBook {
	b := &gradeBook{now: now}
	b.reset()
	return b
}

// reset puts the seed rows back.
func (b *gradeBook) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rows = make(map[int]grade, len(seedRows))
	for i, s := range seedRows {
		id := i + 1
		b.rows[id] = grade{ID: id, Student: s.student, Subject: s.subject, Score: s.score,
			Updated: seedEpoch.Add(time.Duration(i) * time.Minute)}
	}
	b.nextID = len(seedRows) + 1
	b.max = seedEpoch.Add(time.Duration(len(seedRows)-1) * time.Minute)
}

// list returns the rows ordered by id and their ETag.
func (b *gradeBook) list() ([]grade, string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]grade, 0, len(b.rows))
	for _, g := range b.rows {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, b.etagLocked()
}

// etagLocked is the strong ETag of the list: row count and greatest update
// time in Unix nanoseconds, the way the users' DRF views build it from
// Count() and Max('updated'). stampLocked keeps that time strictly increasing,
// so two edits within one clock tick still change the ETag.
func (b *gradeBook) etagLocked() string {
	return fmt.Sprintf(`"grades_%d_%d"`, len(b.rows), b.max.UnixNano())
}

// stampLocked returns the Updated time for an edit happening now: the clock,
// or one nanosecond past the newest row if the clock has not moved past it.
func (b *gradeBook) stampLocked() time.Time {
	t := b.now().UTC()
	if !t.After(b.max) {
		t = b.max.Add(time.Nanosecond)
	}
	b.max = t
	return t
}

// add stores a new row and returns it with its id and Updated filled in.
func (b *gradeBook) add(student, subject string, score int) grade {
	b.mu.Lock()
	defer b.mu.Unlock()
	g := grade{ID: b.nextID, Student: student, Subject: subject, Score: score, Updated: b.stampLocked()}
	b.nextID++
	b.rows[g.ID] = g
	return g
}

// setScore changes the score of row id; ok is false when there is no such row.
func (b *gradeBook) setScore(id, score int) (g grade, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	g, ok = b.rows[id]
	if !ok {
		return grade{}, false
	}
	g.Score = score
	g.Updated = b.stampLocked()
	b.rows[id] = g
	return g, true
}
