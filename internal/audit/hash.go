package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
)

// canonical is the encoding that is hashed: fixed field order, times in
// UTC to the millisecond (what every store keeps), JSON fields compacted.
// Changing it breaks every chain already stored, so it never changes
// without a version field.
func (e *Entry) canonical() []byte {
	var b bytes.Buffer
	field := func(name, v string) {
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(strconv.Quote(v))
		b.WriteByte('\n')
	}
	field("v", "1")
	field("seq", strconv.FormatInt(e.Seq, 10))
	field("at", e.At.UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano))
	field("actorId", e.ActorID)
	field("actorName", e.ActorName)
	field("action", e.Action)
	field("objectType", e.ObjectType)
	field("objectId", e.ObjectID)
	field("path", e.Path.Key())
	field("before", compact(e.Before))
	field("after", compact(e.After))
	field("detail", compact(e.Detail))
	field("state", string(e.State))
	field("prev", e.PrevHash)
	return b.Bytes()
}

func compact(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}

// Sum is the SHA-256 of e's canonical encoding, hex.
func (e *Entry) Sum() string {
	s := sha256.Sum256(e.canonical())
	return hex.EncodeToString(s[:])
}

// Seal links e after prev (nil for the first entry) and sets its hash.
// Both stores call it, so the chain is computed in one place.
func (e *Entry) Seal(prev *Entry) {
	e.PrevHash = ""
	if prev != nil {
		e.PrevHash = prev.Hash
	}
	e.Hash = e.Sum()
}

// Sealed reports whether e carries a hash.
func (e *Entry) Sealed() bool { return e.Hash != "" }
