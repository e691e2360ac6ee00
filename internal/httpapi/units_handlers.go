package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
)

type unitJSON struct {
	ID         string       `json:"id"`
	ParentID   string       `json:"parentId,omitempty"`
	Level      units.Level  `json:"level"`
	Name       string       `json:"name"`
	Code       string       `json:"code"`
	Ancestors  []string     `json:"ancestors"`
	Status     units.Status `json:"status"`
	MergedInto string       `json:"mergedInto,omitempty"`
	Version    int          `json:"version"`
	CreatedAt  time.Time    `json:"createdAt"`
	UpdatedAt  time.Time    `json:"updatedAt"`
}

func toUnitJSON(u *units.Unit) unitJSON {
	anc := []string(u.Path.Parent())
	if anc == nil {
		anc = []string{}
	}
	return unitJSON{ID: u.ID, ParentID: u.ParentID, Level: u.Level, Name: u.Name, Code: u.Code, Ancestors: anc,
		Status: u.Status, MergedInto: u.MergedInto, Version: u.Version, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

func replyUnit(c *gin.Context, status int, u *units.Unit) error {
	setETag(c, u.Version)
	return reply(c, status, toUnitJSON(u))
}

func (s *server) getRoot(c *gin.Context) error {
	u, err := s.Units.Root(c.Request.Context(), callerOf(c))
	if err != nil {
		return err
	}
	return replyUnit(c, http.StatusOK, u)
}

func (s *server) getUnit(c *gin.Context) error {
	u, err := s.Units.Get(c.Request.Context(), callerOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return replyUnit(c, http.StatusOK, u)
}

func (s *server) createUnit(c *gin.Context) error {
	var in struct {
		ParentID string      `json:"parentId"`
		Level    units.Level `json:"level"`
		Name     string      `json:"name"`
		Code     string      `json:"code"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	u, err := s.Units.Create(c.Request.Context(), callerOf(c), in.ParentID, units.NewUnit{Level: in.Level, Name: in.Name, Code: in.Code})
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/units/"+u.ID)
	return replyUnit(c, http.StatusCreated, u)
}

func (s *server) patchUnit(c *gin.Context) error {
	var in struct {
		Name   *string       `json:"name"`
		Code   *string       `json:"code"`
		Status *units.Status `json:"status"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	u, err := s.Units.Update(c.Request.Context(), callerOf(c), c.Param("id"), units.Patch{Name: in.Name, Code: in.Code, Status: in.Status}, version)
	if err != nil {
		return err
	}
	return replyUnit(c, http.StatusOK, u)
}

func (s *server) listChildren(c *gin.Context) error {
	p, err := page.Parse(c.Query("limit"), c.Query("cursor"), units.IsCode)
	if err != nil {
		return err
	}
	withClosed := false
	switch c.Query("status") {
	case "", "active":
	case "all":
		withClosed = true
	default:
		return errs.E(errs.Validation, "status must be active or all")
	}
	res, err := s.Units.OpenChildren(c.Request.Context(), callerOf(c), c.Param("id"), withClosed, p)
	if err != nil {
		return err
	}
	return reply(c, http.StatusOK, listOf(res.Items, res.Next, toUnitJSON))
}

func (s *server) closeUnit(c *gin.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	u, err := s.Units.Close(c.Request.Context(), callerOf(c), c.Param("id"), version)
	if err != nil {
		return err
	}
	return replyUnit(c, http.StatusOK, u)
}

func (s *server) moveUnit(c *gin.Context) error {
	var in struct {
		ParentID string `json:"parentId"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	u, err := s.Units.Move(c.Request.Context(), callerOf(c), c.Param("id"), in.ParentID, version)
	if err != nil {
		return err
	}
	return replyUnit(c, http.StatusOK, u)
}

type recodedJSON struct {
	UnitID  string `json:"unitId"`
	OldCode string `json:"oldCode"`
	NewCode string `json:"newCode"`
}

func (s *server) mergeUnits(c *gin.Context) error {
	var in struct {
		Sources []string `json:"sources"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.Units.Merge(c.Request.Context(), callerOf(c), c.Param("id"), in.Sources)
	if err != nil {
		return err
	}
	out := struct {
		Target  unitJSON      `json:"target"`
		Sources []unitJSON    `json:"sources"`
		Moved   int           `json:"moved"`
		Recoded []recodedJSON `json:"recoded"`
	}{Target: toUnitJSON(m.Target), Moved: m.Moved, Recoded: []recodedJSON{}}
	for _, u := range m.Sources {
		out.Sources = append(out.Sources, toUnitJSON(u))
	}
	for _, r := range m.Recoded {
		out.Recoded = append(out.Recoded, recodedJSON(r))
	}
	return reply(c, http.StatusOK, out)
}
