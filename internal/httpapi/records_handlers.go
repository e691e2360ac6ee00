package httpapi

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/records"
	"github.com/sohoi/sohoi/internal/scholarships"
	"github.com/sohoi/sohoi/internal/units"
)

// Issue 20's records: learning models and their evidence, the fund and
// scholarships. Each handler decodes, calls one method of the records
// service (which decides scope and role) and encodes.

type recognitionJSON struct {
	ID          string                `json:"id"`
	Kind        string                `json:"kind"`
	Name        string                `json:"name"`
	MemberID    string                `json:"memberId,omitempty"`
	UnitID      string                `json:"unitId"`
	Year        int                   `json:"year"`
	Status      learning.Status       `json:"status"`
	Criteria    string                `json:"criteria"`
	Assessments []learning.Assessment `json:"assessments"`
	Evidence    []learning.Attachment `json:"evidence"`
	ProposedOn  civil.Date            `json:"proposedOn"`
	Decision    *decisionJSON         `json:"decision"`
	RenewalOf   string                `json:"renewalOf,omitempty"`
	Version     int                   `json:"version"`
}

type decisionJSON struct {
	ByUnit string      `json:"byUnit"`
	Level  units.Level `json:"level"`
	On     civil.Date  `json:"on"`
	Number string      `json:"number,omitempty"`
	Reason string      `json:"reason,omitempty"`
}

func toRecognitionJSON(r *learning.Recognition) recognitionJSON {
	out := recognitionJSON{ID: r.ID, Kind: r.Kind, Name: r.Name, MemberID: r.MemberID, UnitID: r.UnitID, Year: r.Year,
		Status: r.Status, Criteria: r.Criteria, Assessments: r.Assessments, Evidence: r.Evidence, ProposedOn: r.ProposedOn,
		RenewalOf: r.RenewalOf, Version: r.Version}
	if out.Assessments == nil {
		out.Assessments = []learning.Assessment{}
	}
	if out.Evidence == nil {
		out.Evidence = []learning.Attachment{}
	}
	if d := r.Decision; d != nil {
		out.Decision = &decisionJSON{ByUnit: d.ByUnit, Level: d.Level, On: d.On, Number: d.Number, Reason: d.Reason}
	}
	return out
}

func replyRecognition(c *gin.Context, status int, r *learning.Recognition) error {
	setETag(c, r.Version)
	return reply(c, status, toRecognitionJSON(r))
}

func (s *server) learningCatalogue(c *gin.Context) error {
	cat := s.Records.Catalogue()
	sets := make([]*learning.CriteriaSet, 0, len(cat.Sets))
	for _, k := range cat.Kinds {
		if set := cat.SetOf(&k); !slices.Contains(sets, set) {
			sets = append(sets, set)
		}
	}
	return reply(c, http.StatusOK, gin.H{"kinds": cat.Kinds, "criteriaSets": sets})
}

// listKey accepts a cursor of a list ordered by "<sort>|<id>".
func listKey(key string) bool {
	_, id, ok := strings.Cut(key, "|")
	return ok && ids.Valid(id)
}

func (s *server) listLearningModels(c *gin.Context) error {
	var f errs.Fields
	filter := learning.Filter{Kind: c.Query("kind"), Status: learning.Status(c.Query("status"))}
	if y := c.Query("year"); y != "" {
		if _, err := fmt.Sscanf(y, "%d", &filter.Year); err != nil || filter.Year < 1 {
			f.Add("year", "must be a year, such as 2025")
		}
	}
	switch filter.Status {
	case "", learning.Proposed, learning.Assessed, learning.Recognised, learning.Refused:
	default:
		f.Add("status", "must be proposed, assessed, recognised or refused")
	}
	p, err := page.Parse(c.Query("limit"), c.Query("cursor"), listKey)
	if err != nil {
		return err
	}
	if err := f.Err(); err != nil {
		return err
	}
	res, err := s.Records.List(c.Request.Context(), callerOf(c), c.Param("id"), filter, p)
	if err != nil {
		return err
	}
	return reply(c, http.StatusOK, listOf(res.Items, res.Next, toRecognitionJSON))
}

type proposalBody struct {
	Kind       string    `json:"kind"`
	Name       string    `json:"name"`
	MemberID   string    `json:"memberId"`
	Year       int       `json:"year"`
	ProposedOn dateInput `json:"proposedOn"`
}

func (s *server) proposeLearningModel(c *gin.Context) error {
	var in proposalBody
	if err := decode(c, &in); err != nil {
		return err
	}
	var f errs.Fields
	on := in.ProposedOn.date(&f, "proposedOn")
	if err := f.Err(); err != nil {
		return err
	}
	r, err := s.Records.Propose(c.Request.Context(), callerOf(c), c.Param("id"),
		records.Proposal{Kind: in.Kind, Name: in.Name, MemberID: in.MemberID, Year: in.Year, ProposedOn: on})
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/learning-models/"+r.ID)
	return replyRecognition(c, http.StatusCreated, r)
}

func (s *server) getLearningModel(c *gin.Context) error {
	r, err := s.Records.Get(c.Request.Context(), callerOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return replyRecognition(c, http.StatusOK, r)
}

type assessBody struct {
	Assessments []learning.Assessment `json:"assessments"`
}

func (s *server) assessLearningModel(c *gin.Context) error {
	var in assessBody
	if err := decode(c, &in); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	r, err := s.Records.Assess(c.Request.Context(), callerOf(c), c.Param("id"), in.Assessments, version)
	if err != nil {
		return err
	}
	return replyRecognition(c, http.StatusOK, r)
}

type decisionBody struct {
	ByUnit string    `json:"byUnit"`
	On     dateInput `json:"on"`
	Number string    `json:"number"`
	Reason string    `json:"reason"`
}

func (s *server) decideLearningModel(refuse bool) handlerFunc {
	return func(c *gin.Context) error {
		var in decisionBody
		if err := decode(c, &in); err != nil {
			return err
		}
		var f errs.Fields
		d := records.Decision{ByUnit: in.ByUnit, On: in.On.date(&f, "on"), Number: in.Number, Reason: in.Reason}
		if err := f.Err(); err != nil {
			return err
		}
		version, err := ifMatch(c)
		if err != nil {
			return err
		}
		decide := s.Records.Recognise
		if refuse {
			decide = s.Records.Refuse
		}
		r, err := decide(c.Request.Context(), callerOf(c), c.Param("id"), d, version)
		if err != nil {
			return err
		}
		return replyRecognition(c, http.StatusOK, r)
	}
}

type renewBody struct {
	ProposedOn dateInput `json:"proposedOn"`
}

func (s *server) renewLearningModel(c *gin.Context) error {
	var in renewBody
	if err := decode(c, &in); err != nil {
		return err
	}
	var f errs.Fields
	on := in.ProposedOn.date(&f, "proposedOn")
	if err := f.Err(); err != nil {
		return err
	}
	r, err := s.Records.Renew(c.Request.Context(), callerOf(c), c.Param("id"), on)
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/learning-models/"+r.ID)
	return replyRecognition(c, http.StatusCreated, r)
}

type evidenceFileJSON struct {
	ID          string    `json:"id"`
	Size        int64     `json:"size"`
	ContentType string    `json:"contentType"`
	StoredAt    time.Time `json:"storedAt"`
}

// uploadEvidence streams a multipart upload (the criterion, then the
// file) into the records service: nothing is held whole in memory.
func (s *server) uploadEvidence(c *gin.Context) error {
	// An upload may take longer to send than a JSON body (bodyDeadline).
	_ = http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(UploadReadTimeout))
	up, err := multipartUpload(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	r, f, err := s.Records.AttachEvidence(c.Request.Context(), callerOf(c), c.Param("id"), up, version)
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/evidence/"+f.ID)
	setETag(c, r.Version)
	return reply(c, http.StatusCreated, gin.H{"learningModel": toRecognitionJSON(r),
		"file": evidenceFileJSON{ID: f.ID, Size: f.Size, ContentType: f.ContentType, StoredAt: f.StoredAt}})
}

func (s *server) downloadEvidence(c *gin.Context) error {
	f, name, rc, err := s.Records.OpenEvidence(c.Request.Context(), callerOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	defer rc.Close()
	c.Header("ETag", `"`+f.ID+`"`)
	c.Header("Content-Disposition", contentDisposition(name))
	c.Header("X-Content-Type-Options", "nosniff")
	c.DataFromReader(http.StatusOK, f.Size, f.ContentType, rc, nil)
	return nil
}

// contentDisposition names a download as an attachment, in ASCII and in
// UTF-8 (RFC 6266): the name as uploaded, never interpreted inline.
func contentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, pathEscape(name))
}

type entryJSON struct {
	ID         string         `json:"id"`
	UnitID     string         `json:"unitId"`
	Date       civil.Date     `json:"date"`
	Amount     int64          `json:"amount"`
	Direction  fund.Direction `json:"direction"`
	Party      string         `json:"party"`
	Receipt    string         `json:"receipt,omitempty"`
	Reverses   string         `json:"reverses,omitempty"`
	Note       string         `json:"note,omitempty"`
	RecordedBy string         `json:"recordedBy,omitempty"`
}

func toEntryJSON(e *fund.Entry) entryJSON {
	return entryJSON{ID: e.ID, UnitID: e.UnitID, Date: e.Date, Amount: e.Amount, Direction: e.Direction, Party: e.Party,
		Receipt: e.Receipt, Reverses: e.Reverses, Note: e.Note, RecordedBy: e.RecordedBy}
}

// period reads from and to (both optional) of a list.
func period(c *gin.Context, f *errs.Fields) (from, to civil.Date) {
	fromQ, toQ := c.Query("from"), c.Query("to")
	return dateField(f, "from", &fromQ), dateField(f, "to", &toQ)
}

// periodPage reads a dated list's query: from, to and the page.
func periodPage(c *gin.Context) (from, to civil.Date, p page.Request, err error) {
	var f errs.Fields
	from, to = period(c, &f)
	if p, err = page.Parse(c.Query("limit"), c.Query("cursor"), listKey); err != nil {
		return from, to, p, err
	}
	return from, to, p, f.Err()
}

func (s *server) listFundEntries(c *gin.Context) error {
	from, to, p, err := periodPage(c)
	if err != nil {
		return err
	}
	res, err := s.Records.ListEntries(c.Request.Context(), callerOf(c), c.Param("id"), from, to, p)
	if err != nil {
		return err
	}
	return reply(c, http.StatusOK, listOf(res.Items, res.Next, toEntryJSON))
}

type entryBody struct {
	Date      dateInput `json:"date"`
	Amount    int64     `json:"amount"`
	Direction string    `json:"direction"`
	Party     string    `json:"party"`
	Receipt   string    `json:"receipt"`
	Note      string    `json:"note"`
}

func (s *server) addFundEntry(c *gin.Context) error {
	var in entryBody
	if err := decode(c, &in); err != nil {
		return err
	}
	var f errs.Fields
	in2 := records.EntryInput{Date: in.Date.date(&f, "date"), Amount: in.Amount, Direction: fund.Direction(in.Direction),
		Party: in.Party, Receipt: in.Receipt, Note: in.Note}
	if err := f.Err(); err != nil {
		return err
	}
	e, err := s.Records.AddEntry(c.Request.Context(), callerOf(c), c.Param("id"), in2)
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/fund/entries/"+e.ID)
	return reply(c, http.StatusCreated, toEntryJSON(e))
}

func (s *server) getFundEntry(c *gin.Context) error {
	e, err := s.Records.GetEntry(c.Request.Context(), callerOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return reply(c, http.StatusOK, toEntryJSON(e))
}

type reversalBody struct {
	Date    dateInput `json:"date"`
	Note    string    `json:"note"`
	Receipt string    `json:"receipt"`
}

func (s *server) reverseFundEntry(c *gin.Context) error {
	var in reversalBody
	if err := decode(c, &in); err != nil {
		return err
	}
	var f errs.Fields
	rv := records.Reversal{Date: in.Date.date(&f, "date"), Note: in.Note, Receipt: in.Receipt}
	if err := f.Err(); err != nil {
		return err
	}
	e, err := s.Records.Reverse(c.Request.Context(), callerOf(c), c.Param("id"), rv)
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/fund/entries/"+e.ID)
	return reply(c, http.StatusCreated, toEntryJSON(e))
}

func (s *server) fundBalance(c *gin.Context) error {
	var f errs.Fields
	q := c.Query("asOf")
	asOf := dateField(&f, "asOf", &q)
	if err := f.Err(); err != nil {
		return err
	}
	b, err := s.Records.Balance(c.Request.Context(), callerOf(c), c.Param("id"), asOf)
	if err != nil {
		return err
	}
	return reply(c, http.StatusOK, b)
}

type awardJSON struct {
	ID        string               `json:"id"`
	UnitID    string               `json:"unitId"`
	Date      civil.Date           `json:"date"`
	Student   scholarships.Student `json:"student"`
	Amount    int64                `json:"amount,omitempty"`
	InKind    string               `json:"inKind,omitempty"`
	FundEntry string               `json:"fundEntry,omitempty"`
	Title     string               `json:"title,omitempty"`
}

func toAwardJSON(a *scholarships.Award) awardJSON {
	return awardJSON{ID: a.ID, UnitID: a.UnitID, Date: a.Date, Student: a.Student, Amount: a.Amount, InKind: a.InKind,
		FundEntry: a.FundEntry, Title: a.Title}
}

func (s *server) listScholarships(c *gin.Context) error {
	from, to, p, err := periodPage(c)
	if err != nil {
		return err
	}
	res, err := s.Records.ListAwards(c.Request.Context(), callerOf(c), c.Param("id"), from, to, p)
	if err != nil {
		return err
	}
	return reply(c, http.StatusOK, listOf(res.Items, res.Next, toAwardJSON))
}

type awardBody struct {
	Date      dateInput            `json:"date"`
	Student   scholarships.Student `json:"student"`
	Amount    int64                `json:"amount"`
	InKind    string               `json:"inKind"`
	FundEntry string               `json:"fundEntry"`
	Title     string               `json:"title"`
}

func (s *server) createScholarship(c *gin.Context) error {
	var in awardBody
	if err := decode(c, &in); err != nil {
		return err
	}
	var f errs.Fields
	a := records.AwardInput{Date: in.Date.date(&f, "date"), Student: in.Student, Amount: in.Amount, InKind: in.InKind,
		FundEntry: in.FundEntry, Title: in.Title}
	if err := f.Err(); err != nil {
		return err
	}
	out, err := s.Records.CreateAward(c.Request.Context(), callerOf(c), c.Param("id"), a)
	if err != nil {
		return err
	}
	return reply(c, http.StatusCreated, toAwardJSON(out))
}
