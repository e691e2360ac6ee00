package httpapi

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/net/netutil"

	"github.com/sohoi/sohoi/internal/errs"
)

// Limits on what one client may hold of the server.
const (
	// MaxHeaderBytes is the most request header the API reads: larger is
	// 431 as problem+json (by limitHeaders).
	MaxHeaderBytes = 64 << 10
	// HardMaxHeaderBytes is where net/http itself stops reading and
	// answers a plain 431: far enough above MaxHeaderBytes that a client
	// normally gets the problem+json answer, low enough to bound memory.
	HardMaxHeaderBytes = 256 << 10
	// ReadHeaderTimeout bounds the time to send the request line and headers.
	ReadHeaderTimeout = 5 * time.Second
	// BodyReadTimeout bounds the time to send a request body, from the
	// moment the headers are read. JSON bodies are at most 1 MB; a route
	// that takes uploads sets a longer deadline of its own (see
	// bodyDeadline).
	BodyReadTimeout = 10 * time.Second
	// WriteTimeout bounds one answer, exports included.
	WriteTimeout = 5 * time.Minute
	// IdleTimeout closes keep-alive connections left unused: soon, so that
	// idle connections do not hold places under the connection caps.
	IdleTimeout = time.Minute
)

// bodyDeadline lets a client take at most BodyReadTimeout to send its body:
// a client dripping a login body one byte at a time is cut off within
// seconds instead of holding a connection for minutes. The server has no
// ReadTimeout, so that a future upload route can set a longer deadline of
// its own with http.NewResponseController(c.Writer).SetReadDeadline.
//
// The deadline is lifted once the body is read: net/http keeps reading the
// connection in the background while the handler works, and a deadline
// passing then would cancel the request's context (a long export would
// fail). A request without a body gets no deadline for the same reason.
func bodyDeadline(c *gin.Context) {
	if c.Request.Body == nil || c.Request.Body == http.NoBody {
		c.Next()
		return
	}
	rc := http.NewResponseController(c.Writer)
	if err := rc.SetReadDeadline(time.Now().Add(BodyReadTimeout)); err == nil {
		c.Request.Body = &deadlineBody{ReadCloser: c.Request.Body, rc: rc}
	} // else not a real connection (an in-process recorder): nothing to bound
	c.Next()
}

// deadlineBody lifts the read deadline when the whole body is read. After a
// failure (the deadline passed) it stays, so that nothing reads on.
type deadlineBody struct {
	io.ReadCloser
	rc     *http.ResponseController
	lifted bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.lifted {
		b.lifted = true
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		err = errSlowBody
	}
	return n, err
}

// errSlowBody says why a body stopped, instead of "read tcp …: i/o timeout".
var errSlowBody = fmt.Errorf("the body did not arrive within %s of the request's headers", BodyReadTimeout)

// limitHeaders answers 431 as problem+json when the request's headers
// exceed MaxHeaderBytes (net/http's own 431 beyond HardMaxHeaderBytes is
// plain text and cannot be changed).
func (s *server) limitHeaders(c *gin.Context) {
	n := len(c.Request.Method) + len(c.Request.RequestURI) + len(c.Request.Proto) + 4 + len(c.Request.Host) + 8
	for k, vs := range c.Request.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	if n > MaxHeaderBytes {
		writeError(c, s.log, errs.E(errs.HeaderTooLarge, "the request line and headers exceed %d bytes", MaxHeaderBytes))
		return
	}
	c.Next()
}

// NewServer is the http.Server for h with sohoi's limits.
func NewServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    HardMaxHeaderBytes,
	}
}

// Listen listens on addr, accepting at most maxConns connections at once
// (none: no cap): past the cap, new connections wait in the kernel's
// backlog instead of taking memory and file descriptors. One client
// address (an IPv6 /64 counts as one) holds at most a quarter of them, so
// that one client cannot take every place (and /healthz's with them);
// its connections past that are closed at once. Addresses of trusted
// proxies (IPs or CIDRs), which carry many clients, are not capped.
func Listen(addr string, maxConns int, trustedProxies []string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if maxConns > 0 {
		if perClient := maxConns / 4; perClient > 0 {
			ln = newPerClientListener(ln, perClient, trustedProxies)
		}
		ln = netutil.LimitListener(ln, maxConns)
	}
	return ln, nil
}
