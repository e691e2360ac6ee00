package main

import (
	"context"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/demo"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// auditedLoader records each batch of a member seed in the audit trail,
// with the batch (one entry per batch, written in the batch's own
// transaction on SQLite): made-up members are members all the same.
type auditedLoader struct {
	load demo.Loader
	log  audit.Log
	job  *access.Caller
}

func (l auditedLoader) LoadMembers(ctx context.Context, ms []*members.Member, evs []*members.Event) error {
	paths := make([]unitpath.Path, len(ms))
	ids := make([]string, len(ms))
	for i, m := range ms {
		paths[i], ids[i] = m.Path, m.ID
	}
	id, name := l.job.Actor()
	e := audit.Batch(audit.Create, audit.ObjImport, "seed members", paths, ids).By(id, name)
	return l.log.Change(ctx, e, func(ctx context.Context) error { return l.load.LoadMembers(ctx, ms, evs) })
}
