package httpapi

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"
)

// form is a multipart upload as a client draws it, with its own boundary.
func form(t *testing.T, boundary, file string) (body []byte, ctype string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.SetBoundary(boundary); err != nil {
		t.Fatal(err)
	}
	_ = w.WriteField("unitId", "0cs6h1m4q2a7k9b3")
	fw, _ := w.CreateFormFile("file", "roll.csv")
	_, _ = fw.Write([]byte(file))
	_ = w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

// Two requests are the same request when their method, path and body
// are; a form is the same form whatever its boundary; the body can be
// read again after, however large.
func TestFingerprint(t *testing.T) {
	big := strings.Repeat("Nguyễn Văn An,01/02/1980\n", 3*inMemoryBody/25)
	f1, c1 := form(t, "boundary-one", "Họ và tên\nAn\n")
	f2, c2 := form(t, "another-boundary", "Họ và tên\nAn\n")
	f3, c3 := form(t, "boundary-one", "Họ và tên\nBình\n")
	fBig, cBig := form(t, "b", big)
	type req struct {
		path, ctype string
		body        []byte
	}
	fp := func(r req) string {
		hr := httptest.NewRequest("POST", r.path, bytes.NewReader(r.body))
		hr.Header.Set("Content-Type", r.ctype)
		sum, cleanup, err := fingerprint(hr)
		defer cleanup()
		if err != nil {
			t.Fatal(err)
		}
		again, err := io.ReadAll(hr.Body)
		if err != nil || !bytes.Equal(again, r.body) {
			t.Fatalf("the body read again: %d bytes of %d, %v", len(again), len(r.body), err)
		}
		return sum
	}
	json := "application/json"
	for _, tc := range []struct {
		name string
		a, b req
		same bool
	}{
		{"same JSON", req{"/a", json, []byte(`{"x":1}`)}, req{"/a", json, []byte(`{"x":1}`)}, true},
		{"other JSON", req{"/a", json, []byte(`{"x":1}`)}, req{"/a", json, []byte(`{"x":2}`)}, false},
		{"other path", req{"/a", json, []byte(`{"x":1}`)}, req{"/b", json, []byte(`{"x":1}`)}, false},
		{"other query", req{"/a?dryRun=true", json, nil}, req{"/a", json, nil}, false},
		{"a form, another boundary", req{"/i", c1, f1}, req{"/i", c2, f2}, true},
		{"a form, another file", req{"/i", c1, f1}, req{"/i", c3, f3}, false},
		{"a large upload", req{"/i", cBig, fBig}, req{"/i", cBig, fBig}, true},
		{"a large upload and a small", req{"/i", cBig, fBig}, req{"/i", c1, f1}, false},
	} {
		if got := fp(tc.a) == fp(tc.b); got != tc.same {
			t.Errorf("%s: same %v, want %v", tc.name, got, tc.same)
		}
	}
}
