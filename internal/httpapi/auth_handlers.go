package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/access"
)

type tokenPairJSON struct {
	AccessToken  string `json:"accessToken"`
	TokenType    string `json:"tokenType"`
	ExpiresIn    int    `json:"expiresIn"`
	RefreshToken string `json:"refreshToken"`
}

func tokenPair(p *access.TokenPair) tokenPairJSON {
	return tokenPairJSON{AccessToken: p.AccessToken, TokenType: "Bearer", ExpiresIn: p.ExpiresIn, RefreshToken: p.RefreshToken}
}

func (s *server) login(c *gin.Context) error {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := checkLoginBody(in.Username, in.Password); err != nil {
		return err
	}
	p, err := s.Auth.Login(c.Request.Context(), in.Username, in.Password, c.ClientIP())
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	return reply(c, http.StatusOK, tokenPair(p))
}

type refreshBody struct {
	RefreshToken string `json:"refreshToken"`
}

func (s *server) refresh(c *gin.Context) error {
	var in refreshBody
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := checkRefreshBody(in.RefreshToken); err != nil {
		return err
	}
	p, err := s.Auth.Refresh(c.Request.Context(), in.RefreshToken)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	return reply(c, http.StatusOK, tokenPair(p))
}

func (s *server) logout(c *gin.Context) error {
	var in refreshBody
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := checkRefreshBody(in.RefreshToken); err != nil {
		return err
	}
	if err := s.Auth.Logout(c.Request.Context(), in.RefreshToken); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

func (s *server) me(c *gin.Context) error {
	u := callerOf(c).User
	return reply(c, http.StatusOK, gin.H{
		"id": u.ID, "username": u.Username, "displayName": u.DisplayName, "grants": grantsJSON(u.Grants),
	})
}
