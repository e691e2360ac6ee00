package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/records"
)

// UploadReadTimeout bounds the time to send an evidence upload (20 MB at
// a slow commune's connection).
const UploadReadTimeout = 5 * time.Minute

// multipartUpload reads a multipart/form-data body as it streams: a
// "criterion" field, then a "file" part whose body is handed on unread.
// The criterion must come first, so that the file is never buffered.
func multipartUpload(c *gin.Context) (records.Upload, error) {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return records.Upload{}, errs.E(errs.UnsupportedMedia, "an evidence file is sent as multipart/form-data (a criterion field, then a file part)")
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return records.Upload{}, errs.Fields{{Field: "", Message: "the multipart body cannot be read: " + err.Error()}}.Err()
	}
	var up records.Upload
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return records.Upload{}, errs.Fields{{Field: "", Message: "the multipart body cannot be read: " + err.Error()}}.Err()
		}
		switch part.FormName() {
		case "criterion":
			b, err := io.ReadAll(io.LimitReader(part, 201))
			if err != nil || len(b) > 200 {
				return records.Upload{}, errs.Fields{{Field: "criterion", Message: "must be a criterion id of at most 200 characters"}}.Err()
			}
			up.Criterion = strings.TrimSpace(string(b))
		case "file":
			if up.Criterion == "" {
				return records.Upload{}, errs.Fields{{Field: "criterion", Message: "is required, as a field sent before the file"}}.Err()
			}
			up.Name, up.Body = part.FileName(), part
			return up, nil
		default:
			return records.Upload{}, errs.Fields{{Field: part.FormName(), Message: "is not a field of this request (criterion, file)"}}.Err()
		}
	}
	var f errs.Fields
	if up.Criterion == "" {
		f.Add("criterion", "is required")
	}
	f.Add("file", "is required: the evidence file, as a file part")
	return records.Upload{}, f.Err()
}

// pathEscape escapes a file name for filename* (RFC 5987).
func pathEscape(s string) string { return url.PathEscape(s) }
