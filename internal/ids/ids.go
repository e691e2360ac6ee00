// Package ids makes object identifiers: 16 lowercase base32 characters, a
// 48-bit millisecond time then 32 random bits, so that ids sort roughly by
// creation time and stay short (they are repeated in every member's
// ancestor path, a million times per province).
package ids

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"time"
)

var enc = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

// New returns a fresh id.
func New() string {
	var b [10]byte
	ms := uint64(time.Now().UnixMilli())
	binary.BigEndian.PutUint16(b[0:2], uint16(ms>>32))
	binary.BigEndian.PutUint32(b[2:6], uint32(ms))
	_, _ = rand.Read(b[6:])
	return enc.EncodeToString(b[:])
}

// Valid reports whether s has the shape of an id this package made (or the
// fixed id of the root unit), so that junk never reaches a store query.
func Valid(s string) bool {
	if s == "root" {
		return true
	}
	if len(s) != 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'v') {
			return false
		}
	}
	return true
}
