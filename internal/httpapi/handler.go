package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/errs"
)

// handlerFunc is a gin handler that returns its error, so that each handler
// reads decode → call → encode (the service authorises) and errors are
// answered in one place.
type handlerFunc func(c *gin.Context) error

func (s *server) h(fn handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			writeError(c, s.log, err)
		}
	}
}

// maxBodyBytes caps JSON request bodies.
const maxBodyBytes = 1 << 20

// decode reads a JSON body strictly: a body that is not application/json
// (415), is not UTF-8, has unknown fields, wrong types or trailing data, or
// is over maxBodyBytes is refused with a clear error.
func decode(c *gin.Context, v any) error {
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes))
	if err == nil && len(raw) > 0 {
		err = checkJSONMediaType(c.GetHeader("Content-Type"))
	}
	if err == nil && !utf8.Valid(raw) {
		// encoding/json would quietly turn the bad bytes into U+FFFD.
		return (errs.Fields{{Field: "", Message: "the request body is not valid UTF-8"}}).Err()
	}
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		err = dec.Decode(v)
		if err == nil {
			if _, extra := dec.Token(); extra != io.EOF {
				err = errors.New("trailing data after the JSON object")
			}
		}
	}
	if err == nil {
		return refuseNulls(raw, v)
	}
	if errs.Is(err, errs.UnsupportedMedia) {
		return err
	}
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var f errs.Fields
	switch {
	case errors.As(err, &tooBig):
		return errs.E(errs.PayloadTooLarge, "the request body is larger than %d bytes", maxBodyBytes)
	case errors.As(err, &typeErr):
		f.Add(typeErr.Field, "must be a %s", typeErr.Type.String())
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f.Add(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "is not a field of this request")
	case errors.Is(err, io.EOF):
		f.Add("", "the request body must be a JSON object")
	default:
		f.Add("", "the request body is not valid JSON: %v", err)
	}
	return f.Err()
}

// jsonRender writes v as JSON without gin's HTML escaping of <, > and &.
type jsonRender struct{ v any }

func (r jsonRender) Render(w http.ResponseWriter) error {
	r.WriteContentType(w)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(r.v)
}

func (r jsonRender) WriteContentType(w http.ResponseWriter) {
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
}

func reply(c *gin.Context, status int, v any) error {
	c.Render(status, jsonRender{v})
	return nil
}

// setETag sets the ETag of a versioned object.
func setETag(c *gin.Context, version int) {
	c.Header("ETag", fmt.Sprintf(`"%d"`, version))
}

// ifMatch reads If-Match: 0 when absent or "*", the version otherwise. A
// value that names no version this server issued cannot match: 412.
func ifMatch(c *gin.Context) (int, error) {
	v := strings.TrimSpace(c.GetHeader("If-Match"))
	if v == "" || v == "*" {
		return 0, nil
	}
	v = strings.Trim(strings.TrimPrefix(v, "W/"), `"`)
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, errs.E(errs.VersionMismatch, "If-Match %q names no version of this object", c.GetHeader("If-Match"))
	}
	return n, nil
}

// list is the shape of every paginated answer.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}

// each converts every item of xs for an answer; never nil, so that an
// empty list is [] in JSON.
func each[T, J any](xs []T, f func(T) J) []J {
	out := make([]J, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// listOf is a page of xs converted for an answer.
func listOf[T, J any](xs []T, next string, f func(T) J) list[J] {
	return list[J]{Items: each(xs, f), NextCursor: next}
}

// checkJSONMediaType accepts application/json, with at most a UTF-8
// charset: other types (a form, text/plain, JSON in Latin-1) are 415.
func checkJSONMediaType(header string) error {
	mt, params, err := mime.ParseMediaType(header)
	if err == nil && mt == "application/json" {
		cs, ok := params["charset"]
		if len(params) == 0 || len(params) == 1 && ok && strings.EqualFold(cs, "utf-8") {
			return nil
		}
	}
	if header == "" {
		return errs.E(errs.UnsupportedMedia, "the request body must be sent with Content-Type application/json")
	}
	return errs.E(errs.UnsupportedMedia, "the request body must be application/json, not %q", header)
}
