package httpapi_test

import (
	"encoding/base64"
	"net/url"
	"testing"
)

// Every paged route refuses a cursor it did not issue with 400
// validation_failed naming cursor (a negative offset was a 500 "slice
// bounds out of range"), and still follows the cursors it did issue.
func TestForgedCursorsAre400OnEveryList(t *testing.T) {
	r := newRoll(t)
	e := r.e
	m := r.add(r.chairA, r.a, map[string]any{"fullName": "Nguyễn Văn An"})
	e.expect(e.do("PATCH", "/api/v1/members/"+m.ID, r.chairA, map[string]any{"phone": "0912345678"}), 200)
	e.expect(e.do("POST", "/api/v1/units/"+r.a.ID+"/officers", e.admin,
		map[string]any{"memberId": m.ID, "position": "chair", "from": "2024-01-01"}), 201)
	e.expect(e.do("POST", "/api/v1/units/"+r.a.ID+"/officers", e.admin,
		map[string]any{"fullName": "Lê Thị Hoa", "position": "vice_chair", "from": "2024-01-01"}), 201)

	r.add(r.chairB, r.b, map[string]any{"fullName": "Trần Thị Bình"})

	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	// Offset cursors (history, officers) are positive decimal numbers.
	offsets := map[string]string{
		"negative":        b64("-5"),
		"the issue's LTU": "LTU",
		"zero-padded":     b64("01"),
		"non-numeric":     b64("abc"),
		"huge offset":     b64("99999999999999999999"),
		"max int":         b64("9223372036854775807"),
	}
	// Keyed cursors are the key of the last item: a code, a sort key, a
	// username; a key of another shape was never issued.
	lists := map[string]struct {
		path   string
		forged map[string]string
	}{
		"unit children": {"/api/v1/units/" + r.comm.ID + "/children", map[string]string{"not a code": b64("a b/c")}},
		"members":       {"/api/v1/units/" + r.comm.ID + "/members", map[string]string{"not a sort key": b64("Nguyen Van An")}},
		"history":       {"/api/v1/members/" + m.ID + "/history", offsets},
		"officers":      {"/api/v1/units/" + r.a.ID + "/officers", offsets},
		"users":         {"/api/v1/users", map[string]string{"not a username": b64("Admin User")}},
	}
	everywhere := map[string]string{
		"garbage base64":    "!!not*base64!!",
		"padded base64":     "LTU=",
		"empty key":         "=",
		"invalid UTF-8 key": b64("\xff\xfe"),
		"control character": b64("a\x07b"),
		"NUL":               b64("1\x00"),
	}
	for list, l := range lists {
		path := l.path
		for name, cursor := range everywhere {
			l.forged[name] = cursor
		}
		for name, cursor := range l.forged {
			res := e.do("GET", path+"?limit=1&cursor="+url.QueryEscape(cursor), e.admin, nil)
			if res.status != 400 || res.code() != "validation_failed" {
				t.Errorf("%s, %s cursor: %d %s, want 400 validation_failed", list, name, res.status, res.body)
				continue
			}
			var p struct {
				Errors []struct{ Field string } `json:"errors"`
			}
			res.decode(t, &p)
			if len(p.Errors) != 1 || p.Errors[0].Field != "cursor" {
				t.Errorf("%s, %s cursor: errors %+v, want one naming cursor", list, name, p.Errors)
			}
		}
		// The cursors the list issues are still followed to the end.
		var l struct {
			Items      []map[string]any `json:"items"`
			NextCursor string           `json:"nextCursor"`
		}
		e.expect(e.do("GET", path+"?limit=1", e.admin, nil), 200).decode(t, &l)
		seen := len(l.Items)
		for l.NextCursor != "" {
			cursor := l.NextCursor
			l.NextCursor = ""
			e.expect(e.do("GET", path+"?limit=1&cursor="+url.QueryEscape(cursor), e.admin, nil), 200).decode(t, &l)
			seen += len(l.Items)
		}
		if seen < 2 {
			t.Errorf("%s: %d items over all pages, want at least 2 (the test needs a second page)", list, seen)
		}
	}
}

// An offset cursor past the end of a list that shrank since it was issued
// is an empty last page, not an error.
func TestOffsetCursorPastTheEndIsEmpty(t *testing.T) {
	r := newRoll(t)
	m := r.add(r.chairA, r.a, map[string]any{"fullName": "Nguyễn Văn An"})
	var l struct {
		Items      []map[string]any `json:"items"`
		NextCursor string           `json:"nextCursor"`
	}
	cursor := base64.RawURLEncoding.EncodeToString([]byte("999999999"))
	r.e.expect(r.e.do("GET", "/api/v1/members/"+m.ID+"/history?cursor="+cursor, r.e.admin, nil), 200).decode(t, &l)
	if len(l.Items) != 0 || l.NextCursor != "" {
		t.Fatalf("got %+v, want an empty last page", l)
	}
}
