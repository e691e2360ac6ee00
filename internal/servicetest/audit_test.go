package servicetest_test

import (
	"context"
	"testing"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/audit/trail"
	"github.com/sohoi/sohoi/internal/errs"
)

// An export of a roll is recorded by the method the export endpoint
// calls, for those who may export there only.
func TestRecordExport(t *testing.T) {
	w := newTwoCommunes(t)
	ctx := context.Background()
	viewer := w.s.Caller(t, access.Viewer, w.c1)
	err := w.s.Members.RecordExport(ctx, viewer, w.c1.ID, audit.Fields{"format": "xlsx", "rows": 12})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.s.Members.RecordExport(ctx, w.s.Caller(t, access.Reporter, w.c1), w.c1.ID, nil); !errs.Is(err, errs.Forbidden) {
		t.Errorf("a reporter's export: %v, want forbidden", err)
	}
	if err := w.s.Members.RecordExport(ctx, viewer, w.c2.ID, nil); !errs.Is(err, errs.NotFound) {
		t.Errorf("an export outside the scope: %v, want not found", err)
	}
	manager := w.s.Caller(t, access.Manager, w.c1)
	res, err := w.s.Trail.List(ctx, manager, trail.Filter{UnitID: w.c1.ID, ObjectType: audit.ObjRoll})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].Action != audit.Export || res.Items[0].ActorID != viewer.User.ID ||
		string(res.Items[0].Detail) != `{"format":"xlsx","rows":12}` {
		t.Errorf("export entries %+v", res.Items)
	}
	for _, role := range []access.Role{access.Editor, access.Viewer, access.Reporter} {
		if _, err := w.s.Trail.List(ctx, w.s.Caller(t, role, w.c1), trail.Filter{UnitID: w.c1.ID}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("%s reads the trail: %v", role, err)
		}
	}
	if _, err := w.s.Trail.List(ctx, manager, trail.Filter{UnitID: w.c2.ID}); !errs.Is(err, errs.NotFound) {
		t.Errorf("a manager reads another commune's trail: %v", err)
	}
}
