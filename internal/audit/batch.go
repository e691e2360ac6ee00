package audit

import (
	"github.com/sohoi/sohoi/internal/unitpath"
)

// Batch is the one entry of a batch of objects written together (a
// seed's or an import's batch of new members, stored in one transaction
// on SQLite): it stands at the deepest unit above them all, and its
// Detail lists the job and the ids. Recover cannot compare a batch with
// one stored object, so on MongoDB a pending batch entry is voided; the
// job that wrote it re-runs the batch, which is the job's own recovery.
func Batch(action, objectType, job string, paths []unitpath.Path, ids []string) *Entry {
	var common unitpath.Path
	for i, p := range paths {
		if i == 0 {
			common = append(unitpath.Path(nil), p...)
			continue
		}
		n := 0
		for n < len(common) && n < len(p) && common[n] == p[n] {
			n++
		}
		common = common[:n]
	}
	return &Entry{Action: action, ObjectType: objectType, ObjectID: job, Path: common,
		Detail: JSON(map[string]any{"job": job, "count": len(ids), "ids": ids})}
}
