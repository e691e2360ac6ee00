package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/page"
)

type grantJSON struct {
	Role   access.Role `json:"role"`
	UnitID string      `json:"unitId"`
}

func grantsJSON(gs []access.Grant) []grantJSON {
	return each(gs, func(g access.Grant) grantJSON { return grantJSON{Role: g.Role, UnitID: g.UnitID} })
}

func grantInputs(gs []grantJSON) []access.GrantInput {
	return each(gs, func(g grantJSON) access.GrantInput { return access.GrantInput{Role: g.Role, UnitID: g.UnitID} })
}

type userJSON struct {
	ID          string      `json:"id"`
	Username    string      `json:"username"`
	DisplayName string      `json:"displayName"`
	Grants      []grantJSON `json:"grants"`
	Disabled    bool        `json:"disabled"`
	Version     int         `json:"version"`
	CreatedAt   time.Time   `json:"createdAt"`
	UpdatedAt   time.Time   `json:"updatedAt"`
}

func toUserJSON(u *access.User) userJSON {
	return userJSON{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Grants: grantsJSON(u.Grants),
		Disabled: u.Disabled, Version: u.Version, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

func replyUser(c *gin.Context, status int, u *access.User) error {
	setETag(c, u.Version)
	return reply(c, status, toUserJSON(u))
}

func (s *server) createUser(c *gin.Context) error {
	var in struct {
		Username    string      `json:"username"`
		Password    string      `json:"password"`
		DisplayName string      `json:"displayName"`
		Grants      []grantJSON `json:"grants"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	u, err := s.Users.Create(c.Request.Context(), callerOf(c), access.NewUser{
		Username: in.Username, Password: in.Password, DisplayName: in.DisplayName, Grants: grantInputs(in.Grants)})
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/users/"+u.ID)
	return replyUser(c, http.StatusCreated, u)
}

func (s *server) listUsers(c *gin.Context) error {
	p, err := page.Parse(c.Query("limit"), c.Query("cursor"), access.IsUsername)
	if err != nil {
		return err
	}
	res, err := s.Users.List(c.Request.Context(), callerOf(c), p)
	if err != nil {
		return err
	}
	return reply(c, http.StatusOK, listOf(res.Items, res.Next, toUserJSON))
}

func (s *server) getUser(c *gin.Context) error {
	u, err := s.Users.Get(c.Request.Context(), callerOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return replyUser(c, http.StatusOK, u)
}

func (s *server) patchUser(c *gin.Context) error {
	var in struct {
		DisplayName     *string      `json:"displayName"`
		Password        *string      `json:"password"`
		CurrentPassword *string      `json:"currentPassword"`
		Grants          *[]grantJSON `json:"grants"`
		Disabled        *bool        `json:"disabled"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	p := access.UserPatch{DisplayName: in.DisplayName, Password: in.Password, CurrentPassword: in.CurrentPassword, Disabled: in.Disabled}
	if in.Grants != nil {
		g := grantInputs(*in.Grants)
		p.Grants = &g
	}
	u, err := s.Users.Update(c.Request.Context(), callerOf(c), c.Param("id"), p, version)
	if err != nil {
		return err
	}
	return replyUser(c, http.StatusOK, u)
}

func (s *server) deleteUser(c *gin.Context) error {
	if err := s.Users.Delete(c.Request.Context(), callerOf(c), c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
