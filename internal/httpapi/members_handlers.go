package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
)

// memberJSON is a member as the API shows it. Its dates and times are
// written here as text (a date's null when there is none), as
// civil.Date's and time.Time's MarshalJSON would write them: through a
// marshaller, encoding/json checks and compacts each one's output, five
// per member, 5 % of the server's CPU under the issue-15 reads (pprof).
type memberJSON struct {
	ID          string         `json:"id"`
	BranchID    string         `json:"branchId"`
	Ancestors   []string       `json:"ancestors"`
	FullName    string         `json:"fullName"`
	Gender      members.Gender `json:"gender,omitempty"`
	BirthDate   *string        `json:"birthDate"`
	NationalID  string         `json:"nationalId,omitempty"`
	Phone       string         `json:"phone,omitempty"`
	Address     string         `json:"address,omitempty"`
	JoinedOn    *string        `json:"joinedOn"`
	MemberNo    string         `json:"memberNo,omitempty"`
	Status      members.Status `json:"status"`
	LeftOn      *string        `json:"leftOn"`
	LeaveReason string         `json:"leaveReason,omitempty"`
	Version     int            `json:"version"`
	CreatedAt   string         `json:"createdAt"`
	UpdatedAt   string         `json:"updatedAt"`
}

func toMemberJSON(m *members.Member) memberJSON {
	return memberJSON{ID: m.ID, BranchID: m.BranchID, Ancestors: m.Path, FullName: m.FullName, Gender: m.Gender,
		BirthDate: dateText(m.BirthDate), NationalID: m.NationalID, Phone: m.Phone, Address: m.Address, JoinedOn: dateText(m.JoinedOn),
		MemberNo: m.MemberNo, Status: m.Status, LeftOn: dateText(m.LeftOn), LeaveReason: m.LeaveReason, Version: m.Version,
		CreatedAt: m.CreatedAt.Format(time.RFC3339Nano), UpdatedAt: m.UpdatedAt.Format(time.RFC3339Nano)}
}

// dateText is d as civil.Date's MarshalJSON writes it: nil (null) for
// the zero date.
func dateText(d civil.Date) *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

func replyMember(c *gin.Context, status int, m *members.Member) error {
	setETag(c, m.Version)
	return reply(c, status, toMemberJSON(m))
}

// memberBody is a member as a client sends it.
type memberBody struct {
	FullName   *string   `json:"fullName"`
	Gender     *string   `json:"gender"`
	BirthDate  dateInput `json:"birthDate"`
	NationalID *string   `json:"nationalId"`
	Phone      *string   `json:"phone"`
	Address    *string   `json:"address"`
	JoinedOn   dateInput `json:"joinedOn"`
	MemberNo   *string   `json:"memberNo"`
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (b memberBody) patch() (members.Patch, error) {
	var f errs.Fields
	p := members.Patch{FullName: b.FullName, NationalID: b.NationalID, Phone: b.Phone, Address: b.Address, MemberNo: b.MemberNo,
		BirthDate: b.BirthDate.patch(&f, "birthDate"), JoinedOn: b.JoinedOn.patch(&f, "joinedOn")}
	if b.Gender != nil {
		g := members.Gender(*b.Gender)
		p.Gender = &g
	}
	return p, f.Err()
}

func (s *server) createMember(c *gin.Context) error {
	var in memberBody
	if err := decode(c, &in); err != nil {
		return err
	}
	var f errs.Fields
	input := members.Input{FullName: str(in.FullName), Gender: members.Gender(str(in.Gender)), NationalID: str(in.NationalID),
		Phone: str(in.Phone), Address: str(in.Address), MemberNo: str(in.MemberNo),
		BirthDate: in.BirthDate.date(&f, "birthDate"), JoinedOn: in.JoinedOn.date(&f, "joinedOn")}
	if err := f.Err(); err != nil {
		return err
	}
	m, err := s.Members.Create(c.Request.Context(), callerOf(c), c.Param("id"), input)
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/members/"+m.ID)
	return replyMember(c, http.StatusCreated, m)
}

func (s *server) getMember(c *gin.Context) error {
	m, err := s.Members.Get(c.Request.Context(), callerOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return replyMember(c, http.StatusOK, m)
}

func (s *server) patchMember(c *gin.Context) error {
	var in memberBody
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := in.patch()
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	m, err := s.Members.Update(c.Request.Context(), callerOf(c), c.Param("id"), p, version)
	if err != nil {
		return err
	}
	return replyMember(c, http.StatusOK, m)
}

func (s *server) transferMember(c *gin.Context) error {
	var in struct {
		ToBranchID string  `json:"toBranchId"`
		On         *string `json:"on"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	var f errs.Fields
	on := dateField(&f, "on", in.On)
	if in.ToBranchID == "" {
		f.Add("toBranchId", "is required")
	}
	if err := f.Err(); err != nil {
		return err
	}
	m, err := s.Members.Transfer(c.Request.Context(), callerOf(c), c.Param("id"), in.ToBranchID, on)
	if err != nil {
		return err
	}
	return replyMember(c, http.StatusOK, m)
}

func (s *server) leaveMember(c *gin.Context) error {
	var in struct {
		Status string  `json:"status"`
		On     *string `json:"on"`
		Reason string  `json:"reason"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	var f errs.Fields
	on := dateField(&f, "on", in.On)
	if err := f.Err(); err != nil {
		return err
	}
	m, err := s.Members.Leave(c.Request.Context(), callerOf(c), c.Param("id"), members.Status(in.Status), on, in.Reason)
	if err != nil {
		return err
	}
	return replyMember(c, http.StatusOK, m)
}

func (s *server) memberHistory(c *gin.Context) error {
	p, err := page.Parse(c.Query("limit"), c.Query("cursor"), page.IsOffset)
	if err != nil {
		return err
	}
	evs, next, err := s.Members.History(c.Request.Context(), callerOf(c), c.Param("id"), p)
	if err != nil {
		return err
	}
	return reply(c, http.StatusOK, listOf(evs, next, toEventJSON))
}

// listMembers lists the roll of a unit's subtree in the official order,
// optionally one branch of it, one status, or the names matching ?q=.
func (s *server) listMembers(c *gin.Context) error {
	p, err := page.Parse(c.Query("limit"), c.Query("cursor"), members.IsCursorKey)
	if err != nil {
		return err
	}
	var f errs.Fields
	q := members.Query{Page: p, Words: members.SearchWords(c.Query("q"))}
	if len(q.Words) > 8 {
		f.Add("q", "may hold at most 8 words")
	}
	for _, v := range queryList(c, "status") {
		switch members.Status(v) {
		case members.Active, members.Left, members.Deceased:
			q.Statuses = append(q.Statuses, members.Status(v))
		default:
			f.Add("status", "must be active, left or deceased (several comma-separated or repeated)")
		}
	}
	if sort := c.Query("sort"); sort != "" && sort != "name" {
		f.Add("sort", "the only order is name (given name first, Vietnamese collation)")
	}
	if err := f.Err(); err != nil {
		return err
	}
	q.Brief = true // memberJSON shows no periods
	res, err := s.Members.List(c.Request.Context(), callerOf(c), c.Param("id"), c.Query("branchId"), q)
	if err != nil {
		return err
	}
	return reply(c, http.StatusOK, listOf(res.Items, res.Next, toMemberJSON))
}
