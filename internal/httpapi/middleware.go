package httpapi

import (
	"fmt"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/logging"
)

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID takes the caller's X-Request-Id when it is sane, else makes
// one; it is echoed in the response and added to every log line.
func (s *server) requestID(c *gin.Context) {
	id := c.GetHeader("X-Request-Id")
	if !validRequestID.MatchString(id) {
		id = ids.New()
	}
	c.Header("X-Request-Id", id)
	c.Request = c.Request.WithContext(logging.WithRequestID(c.Request.Context(), id))
	c.Next()
}

func (s *server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	s.log.InfoContext(c.Request.Context(), "request",
		"method", c.Request.Method, "path", c.Request.URL.Path, "route", c.FullPath(),
		"status", c.Writer.Status(), "bytes", c.Writer.Size(), "duration_ms", time.Since(start).Milliseconds(),
		"client", c.ClientIP())
}

// recoverPanics turns a panic into a logged 500 instead of a dropped
// connection. It runs inside accessLog and the metrics (see New), so that
// the 500 is written before they look and is logged and counted.
func (s *server) recoverPanics(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			writeError(c, s.log, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
		}
	}()
	c.Next()
}

const callerKey = "sohoi.caller"

// authenticate requires a valid bearer access token and loads the caller.
func (s *server) authenticate(c *gin.Context) {
	h := c.GetHeader("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		writeError(c, s.log, errs.E(errs.Unauthenticated, "an access token is required (Authorization: Bearer …)"))
		return
	}
	caller, err := s.Auth.Authenticate(c.Request.Context(), strings.TrimSpace(token))
	if err != nil {
		writeError(c, s.log, err)
		return
	}
	c.Set(callerKey, caller)
	c.Next()
}

func callerOf(c *gin.Context) *access.Caller {
	return c.MustGet(callerKey).(*access.Caller)
}
