package httpapi

import (
	"net/http"
	"net/http/pprof"
	"time"
)

// NewProfileServer serves Go's runtime profiles (net/http/pprof) for
// SOHOI_PPROF_ADDR: CPU, heap, goroutines, mutex and block profiles of the
// running server, to find where time goes under real load before
// optimising. It has a listener of its own, never the API's: profiles
// reveal internals and a CPU profile costs the server while it runs.
func NewProfileServer() *http.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	return &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: ReadHeaderTimeout,
		// A CPU profile or a trace answers after the seconds asked for.
		WriteTimeout: 5 * time.Minute,
	}
}
