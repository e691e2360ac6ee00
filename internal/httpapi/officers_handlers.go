package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/page"
)

type officerJSON struct {
	ID        string            `json:"id"`
	UnitID    string            `json:"unitId"`
	MemberID  string            `json:"memberId,omitempty"`
	FullName  string            `json:"fullName"`
	Position  officers.Position `json:"position"`
	TermLabel string            `json:"termLabel,omitempty"`
	From      civil.Date        `json:"from"`
	To        civil.Date        `json:"to"`
	Current   bool              `json:"current"`
	Version   int               `json:"version"`
	CreatedAt time.Time         `json:"createdAt"`
	UpdatedAt time.Time         `json:"updatedAt"`
}

func toOfficerJSON(o *officers.Post) officerJSON {
	return officerJSON{ID: o.ID, UnitID: o.UnitID, MemberID: o.MemberID, FullName: o.FullName, Position: o.Position,
		TermLabel: o.TermLabel, From: o.From, To: o.To, Current: o.Current, Version: o.Version,
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

func replyOfficer(c *gin.Context, status int, o *officers.Post) error {
	setETag(c, o.Version)
	return reply(c, status, toOfficerJSON(o))
}

func (s *server) listOfficers(c *gin.Context) error {
	current := c.Query("current")
	if current != "" && current != "true" && current != "false" {
		return (errs.Fields{{Field: "current", Message: "must be true or false"}}).Err()
	}
	p, err := page.Parse(c.Query("limit"), c.Query("cursor"), page.IsOffset)
	if err != nil {
		return err
	}
	all, err := s.Officers.List(c.Request.Context(), callerOf(c), c.Param("id"), current == "true")
	if err != nil {
		return err
	}
	posts, next := page.Slice(all, p)
	return reply(c, http.StatusOK, listOf(posts, next, toOfficerJSON))
}

type officerBody struct {
	MemberID  *string   `json:"memberId"`
	FullName  *string   `json:"fullName"`
	Position  *string   `json:"position"`
	TermLabel *string   `json:"termLabel"`
	From      dateInput `json:"from"`
	To        dateInput `json:"to"`
}

func (s *server) createOfficer(c *gin.Context) error {
	var in officerBody
	if err := decode(c, &in); err != nil {
		return err
	}
	var f errs.Fields
	input := officers.Input{FullName: str(in.FullName), Position: officers.Position(str(in.Position)), TermLabel: str(in.TermLabel),
		From: in.From.date(&f, "from"), To: in.To.date(&f, "to")}
	if err := f.Err(); err != nil {
		return err
	}
	o, err := s.Officers.Create(c.Request.Context(), callerOf(c), c.Param("id"), str(in.MemberID), input)
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/officers/"+o.ID)
	return replyOfficer(c, http.StatusCreated, o)
}

func (s *server) getOfficer(c *gin.Context) error {
	o, err := s.Officers.Get(c.Request.Context(), callerOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return replyOfficer(c, http.StatusOK, o)
}

func (s *server) patchOfficer(c *gin.Context) error {
	var in officerBody
	if err := decode(c, &in); err != nil {
		return err
	}
	var f errs.Fields
	p := officers.Patch{MemberID: in.MemberID, FullName: in.FullName, TermLabel: in.TermLabel, From: in.From.patch(&f, "from"), To: in.To.patch(&f, "to")}
	if in.Position != nil {
		pos := officers.Position(*in.Position)
		p.Position = &pos
	}
	if err := f.Err(); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	o, err := s.Officers.Update(c.Request.Context(), callerOf(c), c.Param("id"), p, version)
	if err != nil {
		return err
	}
	return replyOfficer(c, http.StatusOK, o)
}

func (s *server) deleteOfficer(c *gin.Context) error {
	if err := s.Officers.Delete(c.Request.Context(), callerOf(c), c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
