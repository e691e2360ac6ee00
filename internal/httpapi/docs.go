package httpapi

import (
	"bytes"
	"fmt"
	"html/template"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// RenderDocs turns an OpenAPI 3 document (YAML) into one self-contained HTML
// page: the API's title and description, then per tag each operation with its
// parameters, request body and responses. The page has inline CSS only, runs
// no script and loads nothing, so it works offline and under a strict CSP.
// A $ref that names no component of the document is an error.
func RenderDocs(spec []byte) ([]byte, error) {
	var doc oasDoc
	if err := yaml.Unmarshal(spec, &doc); err != nil {
		return nil, fmt.Errorf("docs: parse OpenAPI: %w", err)
	}
	page, err := doc.page()
	if err != nil {
		return nil, fmt.Errorf("docs: %w", err)
	}
	var b bytes.Buffer
	if err := docsTemplate.Execute(&b, page); err != nil {
		return nil, fmt.Errorf("docs: render: %w", err)
	}
	return b.Bytes(), nil
}

// The part of OpenAPI 3 that the page shows.
type (
	oasDoc struct {
		Info     struct{ Title, Version, Description string }
		Security []map[string][]string
		Tags     []struct{ Name, Description string }
		Paths    yaml.Node // a mapping, read in document order
		Comps    struct {
			Parameters    map[string]oasParam
			RequestBodies map[string]oasBody `yaml:"requestBodies"`
			Responses     map[string]oasResponse
		} `yaml:"components"`
	}
	oasPathItem struct {
		Parameters                    []oasParam
		Get, Put, Post, Patch, Delete *oasOperation
	}
	oasOperation struct {
		OperationID          string `yaml:"operationId"`
		Summary, Description string
		Tags                 []string
		Parameters           []oasParam
		RequestBody          *oasBody `yaml:"requestBody"`
		Responses            map[string]oasResponse
		Security             *[]map[string][]string // nil: the document's
	}
	oasParam struct {
		Ref                   string `yaml:"$ref"`
		Name, In, Description string
		Required              bool
		Schema                oasSchema
	}
	oasSchema struct {
		Ref   string `yaml:"$ref"`
		Type  any    // a string, or in OpenAPI 3.1 a list of strings
		Items *oasSchema
	}
	oasBody struct {
		Ref     string `yaml:"$ref"`
		Content map[string]struct{ Schema oasSchema }
	}
	oasResponse struct {
		Ref         string `yaml:"$ref"`
		Description string
	}
)

// What the template shows.
type (
	docsPage struct {
		Info   struct{ Title, Version, Description string }
		Groups []*docsGroup
	}
	docsGroup struct {
		Name, Description string
		Ops               []docsOp
	}
	docsOp struct {
		ID, Method, Path, Summary, Description, Auth, Body string
		Params                                             []docsParam
		Responses                                          [][2]string // status, description
	}
	docsParam struct {
		Name, In, Type, Description string
		Required                    bool
	}
)

func (d *oasDoc) page() (*docsPage, error) {
	p := &docsPage{Info: d.Info}
	groups := map[string]*docsGroup{}
	group := func(name string) *docsGroup {
		if groups[name] == nil {
			groups[name] = &docsGroup{Name: name}
			p.Groups = append(p.Groups, groups[name])
		}
		return groups[name]
	}
	for _, t := range d.Tags {
		group(t.Name).Description = t.Description
	}
	for i := 0; i+1 < len(d.Paths.Content); i += 2 {
		path := d.Paths.Content[i].Value
		var item oasPathItem
		if err := d.Paths.Content[i+1].Decode(&item); err != nil {
			return nil, fmt.Errorf("path %s: %w", path, err)
		}
		ops := []*oasOperation{item.Get, item.Put, item.Post, item.Patch, item.Delete}
		for m, method := range []string{"get", "put", "post", "patch", "delete"} {
			if ops[m] == nil {
				continue
			}
			op, err := d.operation(method, path, ops[m], item.Parameters)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", strings.ToUpper(method), path, err)
			}
			tag := "other"
			if len(ops[m].Tags) > 0 {
				tag = ops[m].Tags[0]
			}
			group(tag).Ops = append(group(tag).Ops, op)
		}
	}
	return p, nil
}

func (d *oasDoc) operation(method, path string, o *oasOperation, shared []oasParam) (docsOp, error) {
	op := docsOp{ID: o.OperationID, Method: method, Path: path, Summary: o.Summary, Description: o.Description}
	if op.ID == "" {
		op.ID = method + strings.NewReplacer("/", "-", "{", "", "}", "").Replace(path)
	}
	security := d.Security
	if o.Security != nil {
		security = *o.Security
	}
	var schemes []string
	for _, req := range security {
		schemes = slices.AppendSeq(schemes, maps.Keys(req))
	}
	slices.Sort(schemes)
	op.Auth = "needs " + strings.Join(schemes, " or ")
	if len(schemes) == 0 {
		op.Auth = "no authentication"
	}
	for _, prm := range append(append([]oasParam(nil), shared...), o.Parameters...) {
		r, err := resolve(d.Comps.Parameters, "parameters", prm, prm.Ref)
		if err != nil {
			return op, err
		}
		op.Params = append(op.Params, docsParam{r.Name, r.In, schemaName(r.Schema), r.Description, r.Required})
	}
	if o.RequestBody != nil {
		body, err := resolve(d.Comps.RequestBodies, "requestBodies", *o.RequestBody, o.RequestBody.Ref)
		if err != nil {
			return op, err
		}
		var kinds []string
		for media, c := range body.Content {
			kinds = append(kinds, schemaName(c.Schema)+" ("+media+")")
		}
		sort.Strings(kinds)
		op.Body = strings.Join(kinds, ", ")
	}
	for status, resp := range o.Responses {
		r, err := resolve(d.Comps.Responses, "responses", resp, resp.Ref)
		if err != nil {
			return op, err
		}
		op.Responses = append(op.Responses, [2]string{status, r.Description})
	}
	// "1XX".."5XX" and "default" sort after the exact codes of their class.
	sort.Slice(op.Responses, func(i, j int) bool { return op.Responses[i][0] < op.Responses[j][0] })
	return op, nil
}

// resolve returns v, or the component that its $ref names.
func resolve[T any](comps map[string]T, kind string, v T, ref string) (T, error) {
	if ref == "" {
		return v, nil
	}
	name, ok := strings.CutPrefix(ref, "#/components/"+kind+"/")
	if c, found := comps[name]; ok && found {
		return c, nil
	}
	return v, fmt.Errorf("unresolved $ref %q", ref)
}

// schemaName names a schema by its component name, or else by its type.
func schemaName(s oasSchema) string {
	if s.Ref != "" {
		return s.Ref[strings.LastIndex(s.Ref, "/")+1:]
	}
	switch t := s.Type.(type) {
	case string:
		if t == "array" && s.Items != nil {
			return "array of " + schemaName(*s.Items)
		}
		return t
	case []any: // e.g. [string, "null"]
		names := make([]string, len(t))
		for i, x := range t {
			names[i] = fmt.Sprint(x)
		}
		return strings.Join(names, " | ")
	}
	return "any"
}

// markdown is the little Markdown the page renders: code spans, strong text
// and headings. Tables and lists read well enough as the plain text they are.
var markdown = []struct {
	re   *regexp.Regexp
	html string
}{
	{regexp.MustCompile("`([^`\n]+)`"), "<code>$1</code>"},
	{regexp.MustCompile(`\*\*([^*\n]+)\*\*`), "<strong>$1</strong>"},
	{regexp.MustCompile(`(?m)^#{1,6} (.+)$`), `<span class="h">$1</span>`},
}

// inline escapes text for HTML, then applies the markdown rules to it.
func inline(text string) template.HTML {
	s := template.HTMLEscapeString(text)
	for _, m := range markdown {
		s = m.re.ReplaceAllString(s, m.html)
	}
	return template.HTML(s)
}

var docsTemplate = template.Must(template.New("docs").Funcs(template.FuncMap{"md": inline}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Info.Title}} {{.Info.Version}}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:62rem;margin:0 auto;padding:1rem 1.5rem;color:#1d2330}
code,.path{font-family:ui-monospace,Menlo,Consolas,monospace} .text{white-space:pre-wrap} .h{font-weight:700;font-size:1.2em}
nav ul{columns:2;padding-left:1.2rem} .op{border:1px solid #d5dae3;border-radius:6px;padding:.5rem 1rem;margin:1rem 0} .op h3{margin:.2rem 0}
.m{display:inline-block;min-width:4.3rem;text-align:center;text-transform:uppercase;color:#fff;background:#5a6472;border-radius:4px;font-size:.85em}
.get{background:#2f7d32}.post{background:#1f5fa8}.patch,.put{background:#9a6200}.delete{background:#b3261e}
.auth{float:right;font-size:.8em;font-weight:400;color:#5a6472}
table{border-collapse:collapse;width:100%} th{width:9rem;font-weight:600}
th,td{text-align:left;vertical-align:top;border-top:1px solid #e4e8ee;padding:.2rem .5rem}
</style>
</head>
<body>
<h1>{{.Info.Title}} <small>{{.Info.Version}}</small></h1>
<div class="text">{{.Info.Description | md}}</div>
<nav><h2>Operations</h2>{{range .Groups}}
<h3>{{.Name}}</h3><ul>{{range .Ops}}
<li><a href="#{{.ID}}"><span class="m {{.Method}}">{{.Method}}</span> <span class="path">{{.Path}}</span></a> {{.Summary | md}}</li>{{end}}
</ul>{{end}}
</nav>
{{range .Groups}}<h2>{{.Name}}</h2>
{{with .Description}}<p>{{md .}}</p>{{end}}
{{range .Ops}}<section class="op" id="{{.ID}}">
<h3><span class="m {{.Method}}">{{.Method}}</span> <span class="path">{{.Path}}</span> <span class="auth">{{.Auth}}</span></h3>
<p><strong>{{.Summary | md}}</strong> <code>{{.ID}}</code></p>
{{with .Description}}<div class="text">{{md .}}</div>{{end}}
<table>
{{with .Params}}<tr><th>Parameters</th><td><table>{{range .}}
<tr><td><code>{{.Name}}</code> ({{.In}}{{if .Required}}, required{{end}})</td><td><code>{{.Type}}</code></td><td>{{.Description | md}}</td></tr>{{end}}
</table></td></tr>{{end}}
{{with .Body}}<tr><th>Request body</th><td><code>{{.}}</code></td></tr>{{end}}
<tr><th>Responses</th><td><table>{{range .Responses}}
<tr><td><code>{{index . 0}}</code></td><td>{{md (index . 1)}}</td></tr>{{end}}
</table></td></tr>
</table>
</section>
{{end}}{{end}}</body>
</html>
`))
