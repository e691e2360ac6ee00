package httpapi

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/audit/trail"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/page"
)

type auditEntryJSON struct {
	Seq        int64           `json:"seq"`
	At         time.Time       `json:"at"`
	ActorID    string          `json:"actorId"`
	ActorName  string          `json:"actorName"`
	Action     string          `json:"action"`
	ObjectType string          `json:"objectType"`
	ObjectID   string          `json:"objectId"`
	UnitID     string          `json:"unitId"`
	Ancestors  []string        `json:"ancestors"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
	Detail     json.RawMessage `json:"detail"`
	State      audit.State     `json:"state"`
	PrevHash   string          `json:"prevHash"`
	Hash       string          `json:"hash"`
}

func orNull(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("null")
	}
	return raw
}

func toAuditJSON(e *audit.Entry) auditEntryJSON {
	return auditEntryJSON{Seq: e.Seq, At: e.At, ActorID: e.ActorID, ActorName: e.ActorName, Action: e.Action,
		ObjectType: e.ObjectType, ObjectID: e.ObjectID, UnitID: e.Path.Unit(), Ancestors: nonNilPath(e.Path.Parent()),
		Before: orNull(e.Before), After: orNull(e.After), Detail: orNull(e.Detail), State: e.State,
		PrevHash: e.PrevHash, Hash: e.Hash}
}

func nonNilPath(p []string) []string {
	if p == nil {
		return []string{}
	}
	return p
}

// timeQuery parses an optional RFC 3339 query value.
func timeQuery(f *errs.Fields, c *gin.Context, name string) time.Time {
	v := c.Query(name)
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		f.Add(name, "must be a date-time written as RFC 3339 (2026-07-01T08:00:00Z)")
	}
	return t
}

func (s *server) listAudit(c *gin.Context) error {
	p, err := page.Parse(c.Query("limit"), c.Query("cursor"), trail.Seq)
	if err != nil {
		return err
	}
	var f errs.Fields
	since, until := timeQuery(&f, c, "since"), timeQuery(&f, c, "until")
	if err := f.Err(); err != nil {
		return err
	}
	res, err := s.Trail.List(c.Request.Context(), callerOf(c), trail.Filter{UnitID: c.Query("unitId"),
		ObjectType: c.Query("objectType"), ObjectID: c.Query("objectId"), ActorID: c.Query("actorId"),
		Since: since, Until: until, Page: p})
	if err != nil {
		return err
	}
	return reply(c, http.StatusOK, listOf(res.Items, res.Next, toAuditJSON))
}
