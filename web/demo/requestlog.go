package main

import (
	"net/http"
	"sync"
)

// loggedRequest is one sample-API request as the server saw it. It is logged
// when the request arrives; Status stays 0 and Pending true until answered.
type loggedRequest struct {
	Seq         int    `json:"seq"`
	Method      string `json:"method"`
	Path        string `json:"path"`
	IfNoneMatch string `json:"ifNoneMatch"`
	Status      int    `json:"status"`
	Pending     bool   `json:"pending"`
}

// requestLog records sample-API requests. Safe for concurrent use; the zero
// value is empty and ready.
type requestLog struct {
	mu      sync.Mutex
	entries []loggedRequest
	gen     int // bumped by clear, so requests started before it do not write into the new log
}

// maxLogged bounds the log; older entries are dropped.
const maxLogged = 1000

// start logs r as pending and returns the function that records its status.
func (l *requestLog) start(r *http.Request) func(status int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	seq := 1
	if n := len(l.entries); n > 0 {
		seq = l.entries[n-1].Seq + 1
	}
	if len(l.entries) >= maxLogged {
		l.entries = append(l.entries[:0], l.entries[1:]...)
	}
	l.entries = append(l.entries, loggedRequest{Seq: seq, Method: r.Method, Path: r.URL.Path,
		IfNoneMatch: r.Header.Get("If-None-Match"), Pending: true})
	gen := l.gen
	return func(status int) {
		l.mu.Lock()
		defer l.mu.Unlock()
		if gen != l.gen {
			return
		}
		for i := len(l.entries) - 1; i >= 0; i-- {
			if l.entries[i].Seq == seq {
				l.entries[i].Status, l.entries[i].Pending = status, false
				return
			}
		}
	}
}

func (l *requestLog) list() []loggedRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]loggedRequest{}, l.entries...)
}

func (l *requestLog) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = nil
	l.gen++
}
