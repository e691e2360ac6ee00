package mongo

import (
	"errors"
	"fmt"
	"testing"

	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/sohoi/sohoi/internal/errs"
)

func TestAFullDiskIsInsufficientStorageWhereverItSurfaces(t *testing.T) {
	for name, c := range map[string]struct {
		err  error
		want errs.Code
	}{
		"command":        {driver.CommandError{Code: outOfDiskSpace, Name: "OutOfDiskSpace"}, errs.InsufficientStorage},
		"write":          {driver.WriteException{WriteErrors: []driver.WriteError{{Code: outOfDiskSpace}}}, errs.InsufficientStorage},
		"wrapped":        {fmt.Errorf("members.Create: %w", driver.CommandError{Code: outOfDiskSpace}), errs.InsufficientStorage},
		"duplicate key":  {driver.WriteException{WriteErrors: []driver.WriteError{{Code: 11000}}}, errs.Internal},
		"another server": {driver.CommandError{Code: 13, Name: "Unauthorized"}, errs.Internal},
		"not the driver": {errors.New("out of disk space"), errs.Internal}, // never by message
	} {
		if got := errs.CodeOf(c.err); got != c.want {
			t.Errorf("%s: %s, want %s", name, got, c.want)
		}
	}
}
