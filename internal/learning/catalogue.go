package learning

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sohoi/sohoi/internal/units"
)

// Kinds and criteria are data, not code: the Vietnam Study Promotion
// Association's are embedded here, and another association ships its own
// directory of the same shape (Load).

//go:embed catalogue/*.yaml
var defaultFiles embed.FS

// Kind is one kind of learning model (a learning family, clan, community,
// unit).
type Kind struct {
	ID     string `yaml:"id" json:"id"`
	Name   string `yaml:"name" json:"name"`
	NameEn string `yaml:"nameEn" json:"nameEn"`
	// Subject is what a record of this kind names: household, clan,
	// community or unit.
	Subject Subject `yaml:"subject" json:"subject"`
	// Criteria is the id of the criteria set assessed.
	Criteria string `yaml:"criteria" json:"criteria"`
	// BelongsAt are the levels of the unit a model belongs to (a family
	// to a branch or a commune).
	BelongsAt []units.Level `yaml:"belongsAt" json:"belongsAt"`
	// RecognisedBy are the levels whose decision recognises it.
	RecognisedBy []units.Level `yaml:"recognisedBy" json:"recognisedBy"`
}

// Subject is what a recognition names.
type Subject string

const (
	Household Subject = "household"
	Clan      Subject = "clan"
	Community Subject = "community"
	UnitBody  Subject = "unit" // an agency or organisation
)

func (s Subject) valid() bool {
	return s == Household || s == Clan || s == Community || s == UnitBody
}

// Criterion is one criterion of a set.
type Criterion struct {
	ID   string `yaml:"id" json:"id"`
	Text string `yaml:"text" json:"text"`
	// Required: a model is not recognised unless it meets this one.
	Required bool `yaml:"required" json:"required"`
	// Evidence: meeting it must be shown by at least one evidence file.
	Evidence bool `yaml:"evidence" json:"evidence"`
}

// CriteriaSet is what a kind is assessed on.
type CriteriaSet struct {
	ID     string `yaml:"id" json:"id"`
	Name   string `yaml:"name" json:"name"`
	Source string `yaml:"source" json:"source"`
	// Threshold, when above zero, is how many criteria must be met in all
	// (the required ones among them); zero means the required ones suffice.
	Threshold int         `yaml:"threshold" json:"threshold"`
	Criteria  []Criterion `yaml:"criteria" json:"criteria"`
}

// Criterion returns the criterion with id, or nil.
func (s *CriteriaSet) Criterion(id string) *Criterion {
	for i := range s.Criteria {
		if s.Criteria[i].ID == id {
			return &s.Criteria[i]
		}
	}
	return nil
}

// Catalogue is the kinds an association recognises and their criteria.
type Catalogue struct {
	Kinds []Kind
	Sets  map[string]*CriteriaSet
}

// Kind returns the kind with id, or nil.
func (c *Catalogue) Kind(id string) *Kind {
	for i := range c.Kinds {
		if c.Kinds[i].ID == id {
			return &c.Kinds[i]
		}
	}
	return nil
}

// SetOf returns the criteria set of kind k (Load checked it exists).
func (c *Catalogue) SetOf(k *Kind) *CriteriaSet { return c.Sets[k.Criteria] }

// Default is the embedded catalogue of the Vietnam Study Promotion
// Association (Programme 387 and Circular 22/2020).
func Default() *Catalogue {
	sub, _ := fs.Sub(defaultFiles, "catalogue")
	c, err := Load(sub)
	if err != nil {
		panic("learning: the embedded catalogue is invalid: " + err.Error())
	}
	return c
}

// Load reads a catalogue from a directory: kinds.yaml (a list under
// "kinds") and one file per criteria set (every other *.yaml). It checks
// that ids are unique, every kind names a set that exists, levels are
// sohoi's, and every set has criteria with text.
func Load(fsys fs.FS) (*Catalogue, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	c := &Catalogue{Sets: map[string]*CriteriaSet{}}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if name == "kinds.yaml" {
			var doc struct {
				Kinds []Kind `yaml:"kinds"`
			}
			if err := strictYAML(b, &doc); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			c.Kinds = doc.Kinds
			continue
		}
		s := &CriteriaSet{}
		if err := strictYAML(b, s); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if _, dup := c.Sets[s.ID]; dup {
			return nil, fmt.Errorf("%s: criteria set %q is defined twice", name, s.ID)
		}
		if err := s.check(); err != nil {
			return nil, fmt.Errorf("%s: %w", path.Base(name), err)
		}
		c.Sets[s.ID] = s
	}
	if len(c.Kinds) == 0 {
		return nil, fmt.Errorf("kinds.yaml: no kinds")
	}
	seen := map[string]bool{}
	for _, k := range c.Kinds {
		switch {
		case k.ID == "" || seen[k.ID]:
			return nil, fmt.Errorf("kinds.yaml: kind id %q is empty or repeated", k.ID)
		case strings.TrimSpace(k.Name) == "":
			return nil, fmt.Errorf("kinds.yaml: kind %q has no name", k.ID)
		case !k.Subject.valid():
			return nil, fmt.Errorf("kinds.yaml: kind %q: subject %q is not household, clan, community or unit", k.ID, k.Subject)
		case c.Sets[k.Criteria] == nil:
			return nil, fmt.Errorf("kinds.yaml: kind %q names criteria set %q, which no file defines", k.ID, k.Criteria)
		case len(k.BelongsAt) == 0 || len(k.RecognisedBy) == 0:
			return nil, fmt.Errorf("kinds.yaml: kind %q needs belongsAt and recognisedBy", k.ID)
		}
		for _, l := range slices.Concat(k.BelongsAt, k.RecognisedBy) {
			if !l.Valid() {
				return nil, fmt.Errorf("kinds.yaml: kind %q: %q is not a unit level", k.ID, l)
			}
		}
		seen[k.ID] = true
	}
	return c, nil
}

func (s *CriteriaSet) check() error {
	if s.ID == "" || len(s.Criteria) == 0 {
		return fmt.Errorf("a criteria set needs an id and criteria")
	}
	ids := map[string]bool{}
	for _, cr := range s.Criteria {
		if cr.ID == "" || ids[cr.ID] || strings.TrimSpace(cr.Text) == "" {
			return fmt.Errorf("set %q: criterion %q has no id, a repeated id or no text", s.ID, cr.ID)
		}
		ids[cr.ID] = true
	}
	if s.Threshold < 0 || s.Threshold > len(s.Criteria) {
		return fmt.Errorf("set %q: threshold %d is not between 0 and its %d criteria", s.ID, s.Threshold, len(s.Criteria))
	}
	return nil
}

// strictYAML refuses unknown keys, so that a misspelt "requried" is an
// error rather than a criterion silently optional.
func strictYAML(b []byte, v any) error {
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	return dec.Decode(v)
}
