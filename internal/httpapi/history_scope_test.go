package httpapi_test

import (
	"fmt"
	"slices"
	"testing"
)

type historyEvent struct {
	Seq   int    `json:"seq"`
	Type  string `json:"type"`
	Actor *struct {
		ID       string `json:"id"`
		Username string `json:"username"`
	} `json:"actor"`
	FromBranchID           string `json:"fromBranchId"`
	FromBranchOutsideScope bool   `json:"fromBranchOutsideScope"`
	ToBranchID             string `json:"toBranchId"`
	ToBranchOutsideScope   bool   `json:"toBranchOutsideScope"`
}

// describe writes an event as "seq type by actor from → to", with "?" for
// what the reader may not see.
func (h historyEvent) describe() string {
	actor := "?"
	if h.Actor != nil {
		actor = h.Actor.Username
	}
	branch := func(id string, hidden bool) string {
		switch {
		case hidden && id != "":
			return "LEAK:" + id
		case hidden:
			return "?"
		}
		return id
	}
	return fmt.Sprintf("%d %s by %s %s→%s", h.Seq, h.Type, actor, branch(h.FromBranchID, h.FromBranchOutsideScope), branch(h.ToBranchID, h.ToBranchOutsideScope))
}

// A member's history names no branch and no user outside the reader's
// scope: a member who came from another province shows "from another
// unit", and that province's accounts are not named.
func TestHistoryHidesWhatIsOutsideTheReadersScope(t *testing.T) {
	r := newRoll(t)
	e := r.e
	chairC := e.mustUser("chair.c", "editor", r.c.ID)
	m := r.add(chairC, r.c, map[string]any{"fullName": "Nguyễn Văn An", "joinedOn": "2020-03-08"})
	e.expect(e.do("POST", "/api/v1/members/"+m.ID+"/transfer", e.admin, map[string]any{"toBranchId": r.b.ID, "on": "2024-01-15"}), 200)
	e.expect(e.do("PATCH", "/api/v1/members/"+m.ID, r.chairB, map[string]any{"phone": "0912345678"}), 200)

	read := func(token string) []string {
		var hist struct{ Items []historyEvent }
		e.expect(e.do("GET", "/api/v1/members/"+m.ID+"/history", token, nil), 200).decode(t, &hist)
		var out []string
		for _, h := range hist.Items {
			out = append(out, h.describe())
		}
		return out
	}
	for _, tc := range []struct {
		who   string
		token string
		want  []string
	}{
		// Branch B's chair sees itself and its branch, nothing of province 33
		// nor the administrator above it.
		{"chair of branch B", r.chairB, []string{"1 joined by ? →?", "2 transferred by ? ?→" + r.b.ID, "3 updated by chair.b →"}},
		// The province's viewer sees its own branch chair, not province 33's.
		{"viewer of province 34", r.viewerProv, []string{"1 joined by ? →?", "2 transferred by ? ?→" + r.b.ID, "3 updated by chair.b →"}},
		// The administrator sees everything.
		{"admin", e.admin, []string{"1 joined by chair.c →" + r.c.ID, "2 transferred by admin " + r.c.ID + "→" + r.b.ID, "3 updated by chair.b →"}},
	} {
		if got := read(tc.token); !slices.Equal(got, tc.want) {
			t.Errorf("%s reads\n%v\nwant\n%v", tc.who, got, tc.want)
		}
	}
}
