package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"

	"github.com/sohoi/sohoi/internal/errs"
)

// ValidID reports whether id is how a file is named: the SHA-256 of its
// content in 64 lowercase hexadecimal digits.
func ValidID(id string) bool {
	if len(id) != 2*sha256.Size {
		return false
	}
	for _, c := range []byte(id) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Hasher is an io.Writer that names what is written through it: the
// SHA-256 and the byte count. Use it with io.MultiWriter or io.TeeReader
// when the bytes are going somewhere anyway.
type Hasher struct {
	h hash.Hash
	n int64
}

// NewHasher starts an empty Hasher.
func NewHasher() *Hasher { return &Hasher{h: sha256.New()} }

func (w *Hasher) Write(b []byte) (int, error) {
	w.h.Write(b) // a hash.Hash never fails to write
	w.n += int64(len(b))
	return len(b), nil
}

// ID is the content id of the bytes written so far.
func (w *Hasher) ID() string { return hex.EncodeToString(w.h.Sum(nil)) }

// Size is the number of bytes written so far.
func (w *Hasher) Size() int64 { return w.n }

// Verifying streams r, which should be the file named id of size bytes,
// and turns its EOF into an error when the bytes are not that file: a
// download never hands out a damaged or substituted blob as if it were
// the evidence.
func Verifying(r io.Reader, id string, size int64) io.Reader {
	return &verifying{r: r, want: id, size: size, h: NewHasher()}
}

type verifying struct {
	r    io.Reader
	want string
	size int64
	h    *Hasher
}

func (v *verifying) Read(b []byte) (int, error) {
	n, err := v.r.Read(b)
	v.h.Write(b[:n])
	if err == io.EOF && (v.h.Size() != v.size || v.h.ID() != v.want) {
		return n, errs.E(errs.Internal, "evidence file %s is damaged: stored bytes hash to %s (%d bytes, %d expected)", v.want, v.h.ID(), v.h.Size(), v.size)
	}
	return n, err
}
