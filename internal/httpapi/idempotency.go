package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/idempotency"
)

// idempotentRoutes are the creates that an Idempotency-Key makes safe to
// retry, as gin names their routes. POST /api/v1/imports is among them
// from the day that route exists: the mechanism is the middleware, not
// the handlers.
var idempotentRoutes = map[string]bool{
	"/api/v1/units":              true,
	"/api/v1/units/:id/members":  true,
	"/api/v1/units/:id/officers": true,
	"/api/v1/imports":            true,
	// Issue 20: a fund entry retried after a timeout must not be
	// entered twice.
	"/api/v1/units/:id/learning-models": true,
	"/api/v1/units/:id/fund/entries":    true,
	"/api/v1/units/:id/scholarships":    true,
}

const (
	// inMemoryBody is how much of a request body is held in memory while
	// it is fingerprinted; an upload beyond it is spooled to a temporary
	// file.
	inMemoryBody = 1 << 20
	// maxKeptAnswer is the largest answer kept for replay: creates answer
	// an object. A larger one is not kept, and its key is released.
	maxKeptAnswer = 1 << 20
	// maxSpooled caps a body read to be fingerprinted (an import's file).
	maxSpooled = 1 << 30
)

// idempotent answers a retried create with the answer of its first try.
// A POST to one of idempotentRoutes that carries Idempotency-Key claims
// the key for its user before the handler runs; the handler's answer is
// kept for 24 hours (a server error's is not: the key is released, and a
// retry runs again). A retry with the key gets the kept answer (status,
// body, Location, ETag, with Idempotent-Replayed: true) and runs nothing;
// while the first is still running it waits for it. The same key with
// another request is 422 idempotency_key_reused.
func (s *server) idempotent(c *gin.Context) {
	if s.Idempotency == nil || c.Request.Method != http.MethodPost || !idempotentRoutes[c.FullPath()] {
		c.Next()
		return
	}
	if _, sent := c.Request.Header["Idempotency-Key"]; !sent {
		c.Next()
		return
	}
	ctx := c.Request.Context()
	key := c.GetHeader("Idempotency-Key")
	if err := idempotency.CheckKey(key); err != nil {
		writeError(c, s.log, err)
		return
	}
	fp, cleanup, err := fingerprint(c.Request)
	defer cleanup()
	if err != nil {
		writeError(c, s.log, err)
		return
	}
	answer, claim, err := s.Idempotency.Begin(ctx, callerOf(c).User.ID, key, fp)
	if err != nil {
		writeError(c, s.log, err)
		return
	}
	if answer != nil {
		replay(c, answer)
		return
	}
	rec := &recorder{ResponseWriter: c.Writer}
	c.Writer = rec
	// Kept or released even when the client has gone: the change it made
	// is made.
	bg := context.WithoutCancel(ctx)
	kept := false
	defer func() {
		if !kept { // a server error, an answer too large to keep, or a panic
			if err := claim.Release(bg); err != nil {
				s.log.ErrorContext(ctx, "releasing an idempotency key failed", "err", err)
			}
		}
	}()
	c.Next()
	status := rec.Status()
	if status >= 500 || rec.over {
		return
	}
	h := rec.Header()
	err = claim.Finish(bg, idempotency.Answer{Status: status, ContentType: h.Get("Content-Type"),
		Location: h.Get("Location"), ETag: h.Get("ETag"), Body: rec.body.Bytes()})
	if err != nil {
		s.log.ErrorContext(ctx, "keeping the answer of an idempotency key failed", "err", err)
		return
	}
	kept = true
}

// replay answers a kept answer again.
func replay(c *gin.Context, a *idempotency.Answer) {
	for name, v := range map[string]string{"Location": a.Location, "ETag": a.ETag} {
		if v != "" {
			c.Header(name, v)
		}
	}
	c.Header("Idempotent-Replayed", "true")
	c.Data(a.Status, a.ContentType, a.Body)
	c.Abort()
}

// recorder keeps a copy of the answer as it is written.
type recorder struct {
	gin.ResponseWriter
	body bytes.Buffer
	over bool
}

func (w *recorder) keep(n int, write func()) {
	if w.over {
		return
	}
	if w.body.Len()+n > maxKeptAnswer {
		w.over = true
		w.body = bytes.Buffer{}
		return
	}
	write()
}

func (w *recorder) Write(b []byte) (int, error) {
	w.keep(len(b), func() { w.body.Write(b) })
	return w.ResponseWriter.Write(b)
}

func (w *recorder) WriteString(s string) (int, error) {
	w.keep(len(s), func() { w.body.WriteString(s) })
	return w.ResponseWriter.WriteString(s)
}

// fingerprint is what makes two requests the same request: the method,
// the path and query, and the body; the request's body is put back to be
// read again (spooled to a temporary file when large: cleanup removes
// it). A multipart form is fingerprinted by its parts (names, file names,
// contents), not its bytes, since a client that sends it again draws a
// new boundary.
func fingerprint(r *http.Request) (fp string, cleanup func(), err error) {
	cleanup = func() {}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		r.Body = http.MaxBytesReader(nil, r.Body, maxSpooled)
	} else {
		// A JSON body over maxBodyBytes is refused by decode: read no more
		// than it will, and put back what was read for it to refuse.
		r.Body = io.NopCloser(io.LimitReader(r.Body, maxBodyBytes+1))
	}
	var mem bytes.Buffer
	var file *os.File
	n, err := io.Copy(&mem, io.LimitReader(r.Body, inMemoryBody+1))
	if err == nil && n > inMemoryBody {
		if file, err = os.CreateTemp("", "sohoi-upload-*"); err == nil {
			name := file.Name()
			cleanup = func() { file.Close(); os.Remove(name) }
			if _, err = file.Write(mem.Bytes()); err == nil {
				_, err = io.Copy(file, r.Body)
			}
		}
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", cleanup, errs.E(errs.PayloadTooLarge, "the request body is larger than %d bytes", tooBig.Limit)
		}
		return "", cleanup, fmt.Errorf("reading the request body: %w", err)
	}
	// body returns a fresh reader of the whole body.
	body := func() (io.Reader, error) {
		if file == nil {
			return bytes.NewReader(mem.Bytes()), nil
		}
		_, err := file.Seek(0, io.SeekStart)
		return file, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n", r.Method, r.URL.RequestURI())
	rd, err := body()
	if err == nil {
		if mt == "multipart/form-data" && params["boundary"] != "" {
			err = hashParts(h, multipart.NewReader(rd, params["boundary"]))
		} else {
			fmt.Fprintf(h, "%s\n", r.Header.Get("Content-Type"))
			_, err = io.Copy(h, rd)
		}
	}
	if err == nil {
		rd, err = body()
	}
	if err != nil {
		return "", cleanup, fmt.Errorf("fingerprinting the request body: %w", err)
	}
	r.Body = io.NopCloser(rd)
	return hex.EncodeToString(h.Sum(nil)), cleanup, nil
}

// hashParts hashes each part of a multipart body: its name, file name
// and content, each part's content by its own digest so that no two
// different forms hash alike.
func hashParts(h hash.Hash, mr *multipart.Reader) error {
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			// Not a form after all: the handler will say so; the raw
			// bytes were not hashed, so hash what the parser saw.
			fmt.Fprintf(h, "unreadable form: %v\n", err)
			return nil
		}
		ph := sha256.New()
		if _, err := io.Copy(ph, p); err != nil {
			fmt.Fprintf(h, "unreadable part: %v\n", err)
			return nil
		}
		fmt.Fprintf(h, "%q %q %x\n", p.FormName(), p.FileName(), ph.Sum(nil))
	}
}
