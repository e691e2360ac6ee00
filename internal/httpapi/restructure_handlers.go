package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/units"
)

type provinceChangeJSON struct {
	Code            string        `json:"code"`
	Name            string        `json:"name"`
	SourceProvinces []string      `json:"sourceProvinces"`
	CreatedProvince bool          `json:"createdProvince"`
	RenamedProvince bool          `json:"renamedProvince"`
	CreatedCommunes int           `json:"createdCommunes"`
	MovedBranches   int           `json:"movedBranches"`
	Recoded         []recodedJSON `json:"recoded"`
	Waiting         []waitingJSON `json:"waiting"`
	SplitCommunes   int           `json:"splitCommunes"`
	ClosedCommunes  int           `json:"closedCommunes"`
	ClosedDistricts int           `json:"closedDistricts"`
	ClosedProvinces int           `json:"closedProvinces"`
	MissingOldUnits []string      `json:"missingOldUnits"`
}

type waitingJSON struct {
	BranchID   string   `json:"branchId"`
	BranchCode string   `json:"branchCode"`
	OldCommune string   `json:"oldCommune"`
	Candidates []string `json:"candidates"`
}

func toProvinceChangeJSON(ch units.ProvinceChange) provinceChangeJSON {
	out := provinceChangeJSON{Code: ch.Code, Name: ch.Name, SourceProvinces: orEmpty(ch.SourceProvinces),
		CreatedProvince: ch.CreatedProvince, RenamedProvince: ch.RenamedProvince, CreatedCommunes: ch.CreatedCommunes,
		MovedBranches: ch.MovedBranches, Recoded: []recodedJSON{}, Waiting: []waitingJSON{}, SplitCommunes: ch.PartialCommunes,
		ClosedCommunes: ch.ClosedCommunes, ClosedDistricts: ch.ClosedDistricts, ClosedProvinces: ch.ClosedProvinces,
		MissingOldUnits: orEmpty(ch.MissingOldUnits)}
	for _, r := range ch.Recoded {
		out.Recoded = append(out.Recoded, recodedJSON(r))
	}
	for _, w := range ch.Waiting {
		out.Waiting = append(out.Waiting, waitingJSON(w))
	}
	return out
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (s *server) applyPlan(c *gin.Context) error {
	var in struct {
		Plan     string            `json:"plan"`
		Province string            `json:"province"`
		Assign   map[string]string `json:"assign"`
		DryRun   bool              `json:"dryRun"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	changes, err := s.Units.ApplyPlan(c.Request.Context(), callerOf(c), units.PlanRequest{Plan: in.Plan, Province: in.Province, Assign: in.Assign, DryRun: in.DryRun})
	if err != nil {
		return err
	}
	out := struct {
		DryRun    bool                 `json:"dryRun"`
		Provinces []provinceChangeJSON `json:"provinces"`
	}{DryRun: in.DryRun, Provinces: []provinceChangeJSON{}}
	for _, ch := range changes {
		out.Provinces = append(out.Provinces, toProvinceChangeJSON(ch))
	}
	return reply(c, http.StatusOK, out)
}
