package evidence

import (
	"io"

	"github.com/sohoi/sohoi/internal/errs"
)

// headSize is how many leading bytes type detection reads: what
// net/http.DetectContentType considers.
const headSize = 512

// Intake is an upload as it streams in: it names the bytes (Hasher), keeps
// the first headSize of them for Check, and fails the read that would take
// it past the size limit, so an oversized upload costs at most the limit.
type Intake struct {
	r     io.Reader
	h     *Hasher
	head  []byte
	limit int64
}

// NewIntake wraps r under p's size limit.
func (p Policy) NewIntake(r io.Reader) *Intake {
	return &Intake{r: r, h: NewHasher(), limit: p.maxSize()}
}

func (in *Intake) Read(b []byte) (int, error) {
	if in.h.Size() > in.limit {
		return 0, in.tooLarge()
	}
	// Read at most one byte beyond the limit, to tell "exactly the limit"
	// from "more".
	if room := in.limit + 1 - in.h.Size(); int64(len(b)) > room {
		b = b[:room]
	}
	n, err := in.r.Read(b)
	in.h.Write(b[:n])
	if len(in.head) < headSize {
		in.head = append(in.head, b[:min(n, headSize-len(in.head))]...)
	}
	if in.h.Size() > in.limit {
		return 0, in.tooLarge()
	}
	return n, err
}

func (in *Intake) tooLarge() error {
	return errs.E(errs.PayloadTooLarge, "an evidence file may be at most %d bytes", in.limit)
}

// ID is the content id of what was read; final at EOF.
func (in *Intake) ID() string { return in.h.ID() }

// Size is the number of bytes read.
func (in *Intake) Size() int64 { return in.h.Size() }

// Head is the first bytes read, for Check.
func (in *Intake) Head() []byte { return in.head }
