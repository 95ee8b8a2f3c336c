package main

import (
	"errors"
	"net/http"
	"time"
)

// DEMO/TEST-ONLY endpoints. They exist so the demo's network switch and the
// end-to-end tests can steer the server; a real backend has nothing like them.
// They are never slowed or dropped by the network switch (network.go).
//
//	POST /api/_control/reset             seed data back, request log emptied, latency back to -latency,
//	                                     /api/_test/echo's generations back to 0, Slow 3G back to 400 ms, 400 kbit/s
//	GET  /api/_control/network           {"mode": m, "slow3g": {"rttMs","kbps"}, "dropped": n}: m is the caller's
//	                                     network ("fast", "slow3g", "offline", from its cookie), dropped the
//	                                     requests Offline has dropped (every browser)
//	POST /api/_control/network {"mode":m}  sets the caller's network (a session cookie; "fast" deletes it)
//	GET  /api/_control/slow3g            {"rttMs": n, "kbps": k}
//	POST /api/_control/slow3g {"rttMs":n,"kbps":k}  TEST-ONLY: what Slow 3G means, for every browser (the
//	                                     end-to-end tests take a faster link, so a first visit takes seconds)
//	POST /api/_control/forget            answers Clear-Site-Data "cache", "storage": the browser forgets its HTTP
//	                                     cache, service worker, Cache Storage and IndexedDB for the site (not the
//	                                     cookie), so its next load is a first visit
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
		s.net.setProfile(slow3G)
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	case "GET /api/_control/network":
		s.writeNetwork(w, modeOf(r))
	case "POST /api/_control/network":
		var in struct {
			Mode string `json:"mode"`
		}
		if !decodeBody(w, r, &in) {
			return
		}
		m, ok := parseNetworkMode(in.Mode)
		if !ok {
			writeJSON(w, http.StatusBadRequest, apiError{`mode must be "fast", "slow3g" or "offline"`})
			return
		}
		http.SetCookie(w, modeCookie(m))
		s.writeNetwork(w, m)
	case "GET /api/_control/slow3g":
		writeJSON(w, http.StatusOK, profileJSON(s.net.profile()))
	case "POST /api/_control/slow3g":
		var in profileBody
		if !decodeBody(w, r, &in) {
			return
		}
		p, err := in.profile()
		if err != nil {
			writeJSON(w, http.StatusBadRequest, apiError{err.Error()})
			return
		}
		s.net.setProfile(p)
		writeJSON(w, http.StatusOK, profileJSON(p))
	case "POST /api/_control/forget":
		w.Header().Set("Clear-Site-Data", `"cache", "storage"`)
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

// networkBody is the answer of /api/_control/network.
type networkBody struct {
	Mode    networkMode `json:"mode"`
	Slow3G  profileBody `json:"slow3g"`
	Dropped int64       `json:"dropped"`
}

func (s *server) writeNetwork(w http.ResponseWriter, m networkMode) {
	writeJSON(w, http.StatusOK, networkBody{Mode: m, Slow3G: profileJSON(s.net.profile()), Dropped: s.net.dropped.Load()})
}

// profileBody is a profile in JSON: round trip in ms, bandwidth in kbit/s.
type profileBody struct {
	RTTMs float64 `json:"rttMs"`
	Kbps  float64 `json:"kbps"`
}

func profileJSON(p profile) profileBody {
	return profileBody{RTTMs: durationMs(p.RTT), Kbps: float64(p.Rate) * 8 / 1000}
}

// profile checks the numbers: a round trip of 0 to 10 s, 8 kbit/s to 10 Gbit/s.
func (b profileBody) profile() (profile, error) {
	if !(b.RTTMs >= 0 && b.RTTMs <= 10_000) {
		return profile{}, errors.New("rttMs must be between 0 and 10000")
	}
	if !(b.Kbps >= 8 && b.Kbps <= 10_000_000) {
		return profile{}, errors.New("kbps must be between 8 and 10000000")
	}
	return profile{RTT: time.Duration(b.RTTMs * float64(time.Millisecond)), Rate: int64(b.Kbps * 1000 / 8)}, nil
}
