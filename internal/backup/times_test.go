package backup

import (
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
)

func TestToMillis(t *testing.T) {
	at := time.Date(2026, 12, 4, 7, 30, 28, 197608353, time.UTC)
	ms := time.Date(2026, 12, 4, 7, 30, 28, 197000000, time.UTC)
	m := &Member{Member: &members.Member{CreatedAt: at, UpdatedAt: at}, History: []*members.Event{{At: at}, {At: ms}}}
	b := &officers.Board{Posts: []*officers.Officer{{CreatedAt: at}, nil}}
	e := toAuditEntry(&auditEntryAt)
	toMillis(m)
	toMillis(b)
	toMillis(e)
	for name, got := range map[string]time.Time{
		"member created": m.Member.CreatedAt, "member updated": m.Member.UpdatedAt,
		"first event": m.History[0].At, "second event": m.History[1].At,
		"officer": b.Posts[0].CreatedAt, "audit entry": e.At,
	} {
		if !got.Equal(ms) {
			t.Errorf("%s: %s, want %s", name, got.Format(time.RFC3339Nano), ms.Format(time.RFC3339Nano))
		}
	}
}

var auditEntryAt = audit.Entry{At: time.Date(2026, 12, 4, 7, 30, 28, 197608353, time.UTC)}
