package httpapi

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/logging"
)

// statusOf is the one table from error code to HTTP status. A code missing
// here (or an error without a code) is a 500: an outage must never look
// like the client's fault.
var statusOf = map[errs.Code]int{
	errs.Validation:           http.StatusBadRequest,
	errs.Unauthenticated:      http.StatusUnauthorized,
	errs.InvalidCredentials:   http.StatusUnauthorized,
	errs.Forbidden:            http.StatusForbidden,
	errs.NotFound:             http.StatusNotFound,
	errs.Conflict:             http.StatusConflict,
	errs.DuplicateNationalID:  http.StatusConflict,
	errs.VersionMismatch:      http.StatusPreconditionFailed,
	errs.PayloadTooLarge:      http.StatusRequestEntityTooLarge,
	errs.UnsupportedMedia:     http.StatusUnsupportedMediaType,
	errs.MethodNotAllowed:     http.StatusMethodNotAllowed,
	errs.HeaderTooLarge:       http.StatusRequestHeaderFieldsTooLarge,
	errs.TooManyRequests:      http.StatusTooManyRequests,
	errs.Internal:             http.StatusInternalServerError,
	errs.Busy:                 http.StatusServiceUnavailable,
	errs.InsufficientStorage:  http.StatusInsufficientStorage,
	errs.IdempotencyKeyReused: http.StatusUnprocessableEntity,
}

// problem is an RFC 9457 problem document.
type problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail,omitempty"`
	Code      errs.Code         `json:"code"`
	Errors    []errs.FieldError `json:"errors,omitempty"`
	RequestID string            `json:"requestId,omitempty"`
}

// writeError answers err as problem+json. Unknown errors are logged with
// their cause and answered with a generic detail.
func writeError(c *gin.Context, log *slog.Logger, err error) {
	e := errs.As(err)
	switch {
	case e == nil:
		log.ErrorContext(c.Request.Context(), "request failed", "err", err, "path", c.FullPath())
		e = errs.E(errs.Internal, "an internal error occurred; it has been logged")
	case e.Code == errs.InsufficientStorage: // the operator must free space
		log.ErrorContext(c.Request.Context(), "the database cannot store changes", "err", err, "path", c.FullPath())
	}
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if e.RetryAfterSeconds > 0 {
		c.Header("Retry-After", strconv.Itoa(e.RetryAfterSeconds))
	}
	if status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="sohoi"`)
	}
	p := problem{
		Type:      "https://sohoi.vn/problems/" + string(e.Code),
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    e.Detail,
		Code:      e.Code,
		Errors:    e.Fields,
		RequestID: logging.RequestID(c.Request.Context()),
	}
	c.Header("Content-Type", "application/problem+json")
	c.Status(status)
	c.Render(status, jsonRender{p})
	c.Abort()
}
