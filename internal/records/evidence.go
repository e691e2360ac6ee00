package records

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/evidence"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/vntext"
)

const fileWhat = "evidence file"

// Upload is an evidence file as it arrives: the criterion it shows, the
// name it was sent under (for the download's name only: the type comes
// from the bytes) and the bytes, read once as they stream.
type Upload struct {
	Criterion string
	Name      string
	Body      io.Reader
}

// AttachEvidence stores an uploaded file (once per content: the same
// bytes uploaded again are the same file) and shows it for a criterion of
// recognition id, where the caller must be allowed to write learning
// models and evidence. The upload streams through evidence.Intake into a
// spool file (hashed and size-limited as it arrives), is typed by its
// content, then streamed into the store.
func (s *Service) AttachEvidence(ctx context.Context, c *access.Caller, id string, up Upload, ifVersion int) (*learning.Recognition, *evidence.File, error) {
	r, err := s.load(ctx, c, id, access.ObjLearning, access.Write)
	if err == nil {
		err = access.NotFound(c.Authorize(r.Path, access.ObjEvidence, access.Write, modelWhat), modelWhat)
	}
	if err != nil {
		return nil, nil, err
	}
	// Refuse what cannot be attached before reading the body.
	set := s.cat.Sets[r.Criteria]
	switch {
	case r.Status.Final():
		return nil, nil, errs.E(errs.Conflict, "%s %s is %s: evidence can no longer be attached", modelWhat, r.ID, r.Status)
	case set == nil || set.Criterion(up.Criterion) == nil:
		return nil, nil, errs.Fields{{Field: "criterion", Message: "is not a criterion of " + r.Criteria}}.Err()
	case ifVersion != 0 && ifVersion != r.Version:
		return nil, nil, errs.E(errs.VersionMismatch, "%s %s is at version %d, not %d", modelWhat, r.ID, r.Version, ifVersion)
	}
	f, err := s.intake(ctx, up)
	if err != nil {
		return nil, nil, err
	}
	link := &evidence.Link{File: f.ID, Recognition: r.ID, Criterion: up.Criterion, Path: r.Path, Name: cleanName(up.Name),
		LinkedBy: actorID(c), LinkedAt: s.now().UTC()}
	e := entry(c, audit.Create, audit.ObjEvidence, LinkID(link), r.Path, nil, FieldsOf(linkFields(link, f)))
	if err := s.log.Change(ctx, e, func(ctx context.Context) error { return s.store.LinkFile(ctx, link) }); err != nil {
		return nil, nil, err
	}
	next, err := s.change(ctx, c, r, 0, func(r *learning.Recognition) error { return r.Attach(set, up.Criterion, f.ID) })
	if err != nil {
		return nil, nil, err
	}
	return next, f, nil
}

// intake spools, checks and stores an upload, returning the stored file.
func (s *Service) intake(ctx context.Context, up Upload) (*evidence.File, error) {
	spool, err := os.CreateTemp(s.spoolDir, "sohoi-evidence-*")
	if err != nil {
		return nil, err
	}
	defer func() {
		spool.Close()
		os.Remove(spool.Name())
	}()
	in := s.policy.NewIntake(up.Body)
	if _, err := io.Copy(spool, in); err != nil {
		var e *errs.Error
		if errors.As(err, &e) {
			return nil, err
		}
		return nil, errs.E(errs.Validation, "the upload did not arrive whole: %v", err)
	}
	typ, err := s.policy.Check(up.Name, in.Head(), spool, in.Size())
	if err != nil {
		return nil, err
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	f := &evidence.File{ID: in.ID(), Size: in.Size(), ContentType: typ, StoredAt: s.now().UTC()}
	created, err := s.store.PutFile(ctx, f, spool)
	if err != nil {
		return nil, err
	}
	if !created {
		return s.store.GetFile(ctx, f.ID)
	}
	return f, nil
}

// OpenEvidence streams evidence file id (its SHA-256), with the name it
// was uploaded under: allowed when one of the recognitions that show it is
// one the caller may read evidence of. The stream fails at its end if the
// stored bytes are not the file (evidence.Verifying). Every download is
// recorded in the audit trail.
func (s *Service) OpenEvidence(ctx context.Context, c *access.Caller, id string) (*evidence.File, string, io.ReadCloser, error) {
	notFound := errs.E(errs.NotFound, "%s not found", fileWhat)
	if !evidence.ValidID(id) {
		return nil, "", nil, notFound
	}
	links, err := s.store.LinksOfFile(ctx, id)
	if err != nil {
		return nil, "", nil, err
	}
	var allowed *evidence.Link
	var refusal error = notFound
	for _, l := range links {
		err := c.Authorize(l.Path, access.ObjEvidence, access.Read, fileWhat)
		if err == nil {
			allowed = l
			break
		}
		if errs.Is(err, errs.Forbidden) {
			refusal = err
		}
	}
	if allowed == nil {
		return nil, "", nil, refusal
	}
	f, rc, err := s.store.OpenFile(ctx, id)
	if err != nil {
		return nil, "", nil, access.NotFound(err, fileWhat)
	}
	e := entry(c, audit.Read, audit.ObjEvidence, LinkID(allowed), allowed.Path, nil, nil)
	if err := s.log.Access(ctx, e); err != nil {
		rc.Close()
		return nil, "", nil, err
	}
	return f, allowed.Name, verified{evidence.Verifying(rc, id, f.Size), rc}, nil
}

type verified struct {
	io.Reader
	io.Closer
}

// LinkID names a link in the audit trail: recognition/criterion/file.
func LinkID(l *evidence.Link) string { return l.Recognition + "/" + l.Criterion + "/" + l.File }

// linkFields are a link as the trail records it.
func linkFields(l *evidence.Link, f *evidence.File) map[string]any {
	return map[string]any{"file": l.File, "recognition": l.Recognition, "criterion": l.Criterion, "name": l.Name,
		"size": f.Size, "contentType": f.ContentType}
}

// LinkFields are a stored link as the trail records it (app's audit
// objects, for Recover).
func LinkFields(l *evidence.Link, f *evidence.File) audit.Fields { return FieldsOf(linkFields(l, f)) }

// cleanName keeps the base of an uploaded file's name, cleaned, for the
// download's Content-Disposition.
func cleanName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 { // a browser may send a Windows path
		name = name[i+1:]
	}
	n := vntext.Clean(name)
	if n == "" || n == "." || n == ".." || vntext.Refusal(n) != "" {
		return "evidence"
	}
	if r := []rune(n); len(r) > 200 {
		n = string(r[:200])
	}
	return n
}

func actorID(c *access.Caller) string {
	if c.IsSystem() {
		return "system"
	}
	return c.User.ID
}
