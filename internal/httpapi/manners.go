package httpapi

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// securityHeaders stops browsers from guessing a content type other than
// the one declared (a CSV export must never run as HTML).
func securityHeaders(c *gin.Context) {
	c.Header("X-Content-Type-Options", "nosniff")
	c.Next()
}

// noStore keeps every answer under /api/v1 (personal data, exports, and
// errors about them) out of every cache, shared or private; a handler
// whose answer may be cached (the OpenAPI file) sets its own.
func noStore(c *gin.Context) {
	if strings.HasPrefix(c.Request.URL.Path, "/api/v1/") {
		c.Header("Cache-Control", "no-store")
	}
	c.Next()
}

// redirectToDocs sends a browser opening the server's address to the
// documentation (no body: the description declares none).
func redirectToDocs(c *gin.Context) {
	c.Header("Location", "/docs")
	c.Status(http.StatusFound)
}

// notModified answers 304 to a GET or HEAD whose If-None-Match names the
// ETag the answer would carry: the handler runs as usual (it sets the ETag
// of what it read) and the body is dropped.
func notModified(c *gin.Context) {
	inm := c.GetHeader("If-None-Match")
	if inm == "" || (c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead) {
		c.Next()
		return
	}
	w := &conditionalWriter{ResponseWriter: c.Writer, ifNoneMatch: inm}
	c.Writer = w
	c.Next()
	c.Writer = w.ResponseWriter
}

// conditionalWriter turns a 200 whose ETag matches If-None-Match into a
// 304 at the moment the body would start.
type conditionalWriter struct {
	gin.ResponseWriter
	ifNoneMatch string
	decided     bool
	dropBody    bool
}

func (w *conditionalWriter) decide() {
	if w.decided {
		return
	}
	w.decided = true
	h := w.Header()
	if w.Status() != http.StatusOK || !etagMatches(w.ifNoneMatch, h.Get("ETag")) {
		return
	}
	w.dropBody = true
	for _, k := range []string{"Content-Type", "Content-Length", "Content-Disposition"} {
		h.Del(k)
	}
	w.ResponseWriter.WriteHeader(http.StatusNotModified)
	w.ResponseWriter.WriteHeaderNow()
}

func (w *conditionalWriter) WriteHeaderNow() {
	w.decide()
	w.ResponseWriter.WriteHeaderNow()
}

func (w *conditionalWriter) Write(b []byte) (int, error) {
	w.decide()
	if w.dropBody {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

func (w *conditionalWriter) WriteString(s string) (int, error) {
	w.decide()
	if w.dropBody {
		return len(s), nil
	}
	return w.ResponseWriter.WriteString(s)
}

// etagMatches is the weak comparison of RFC 9110 §13.1.2: "*" or any
// listed tag equal to etag once W/ is set aside.
func etagMatches(ifNoneMatch, etag string) bool {
	if etag == "" {
		return false
	}
	etag = strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}
