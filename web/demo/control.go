package main

import (
	"net/http"
	"time"
)

// DEMO/TEST-ONLY endpoints. They exist so the demo's "slow 3G" switch and the
// end-to-end tests can steer the sample API; a real backend has nothing like them.
//
//	POST /api/_control/reset             seed data back, request log emptied, latency back to -latency,
//	                                     /api/_test/echo's generations back to 0
//	GET  /api/_control/latency           {"ms": n}
//	POST /api/_control/latency {"ms":n}  delay every sample-API response by n ms (0 turns it off)
//	POST /api/_control/hold {"on":b}     on: sample-API requests wait (logged as pending) until it is turned off
//	GET  /api/_control/log               the sample-API requests seen, oldest first (see loggedRequest)
//	DELETE /api/_control/log             empty the log
//	GET|POST /api/_control/module         how the wasm module is answered (see module.go)
func (s *server) handleControl(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	switch r.Method + " " + r.URL.Path {
	case "POST /api/_control/reset":
		s.grades.reset()
		s.log.clear()
		s.latency.Store(int64(s.opts.Latency))
		s.hold.set(false)
		s.module.set("normal")
		s.echo.reset()
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	case "GET /api/_control/latency":
		writeJSON(w, http.StatusOK, latencyBody{Ms: durationMs(time.Duration(s.latency.Load()))})
	case "POST /api/_control/latency":
		var in latencyBody
		if !decodeBody(w, r, &in) {
			return
		}
		if in.Ms < 0 || in.Ms > 60_000 {
			writeJSON(w, http.StatusBadRequest, apiError{"ms must be between 0 and 60000"})
			return
		}
		s.latency.Store(int64(time.Duration(in.Ms * float64(time.Millisecond))))
		writeJSON(w, http.StatusOK, in)
	case "POST /api/_control/hold":
		var in struct {
			On *bool `json:"on"`
		}
		if !decodeBody(w, r, &in) {
			return
		}
		if in.On == nil {
			writeJSON(w, http.StatusBadRequest, apiError{"on (true or false) is required"})
			return
		}
		s.hold.set(*in.On)
		writeJSON(w, http.StatusOK, map[string]bool{"on": *in.On})
	case "GET /api/_control/module":
		mode, _ := s.module.state()
		writeJSON(w, http.StatusOK, map[string]any{"mode": mode, "requests": s.module.requests.Load()})
	case "POST /api/_control/module":
		var in struct {
			Mode string `json:"mode"`
		}
		if !decodeBody(w, r, &in) {
			return
		}
		if !s.module.set(in.Mode) {
			writeJSON(w, http.StatusBadRequest, apiError{`mode must be "normal", "hold", "missing", "html" or "octet"`})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"mode": in.Mode})
	case "GET /api/_control/log":
		writeJSON(w, http.StatusOK, s.log.list())
	case "DELETE /api/_control/log":
		s.log.clear()
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	default:
		writeJSON(w, http.StatusNotFound, apiError{"Not found."})
	}
}

type latencyBody struct {
	Ms float64 `json:"ms"`
}

func durationMs(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
