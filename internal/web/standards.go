package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"parkd/internal/charging"
	"parkd/internal/operators"
	"parkd/internal/park"
)

// The price standards page of a lot: the charging standards, each edited
// in place as one JSON document, checked by the same charging use cases
// the native API calls, with the refusal beside the field. A standard is
// shared by every lot whose chargers use it, so, as in the native API,
// only an admin creates or changes one, and a lot operator sees only
// those its lot's chargers use.
func standardsSection() section {
	return section{key: "price_standards", lotPath: "standards", routes: []route{
		{"GET " + Prefix + "lots/{lot}/standards", (*Console).standardsPage},
		{"POST " + Prefix + "lots/{lot}/standards", (*Console).standardsPost},
		{"GET " + Prefix + "lots/{lot}/standards/{id}", (*Console).standardPage},
		{"POST " + Prefix + "lots/{lot}/standards/{id}", (*Console).standardPost},
	}}
}

type standardRow struct {
	*park.PriceStandard
	Uses int // the lot's chargers in service on it
}

type standardsData struct {
	Lot       *park.Lot
	Loc       *time.Location
	Standards []standardRow
	Total     int // every standard, when more than the page shows
	CanSave   bool
	Standard  *park.PriceStandard // the one edited; nil on the list
	Doc       string
	Err       *park.Error
	Refusal   pageError
	Saved     bool
}

// newStandardDoc is the create form's first text: a standard that
// prices by the started hour all day, for the operator to edit.
const newStandardDoc = `{
  "name": "",
  "family": 1,
  "rules": {
    "kind": "time",
    "payment": "balance",
    "refund_to": "balance",
    "segments": [{"from": "00:00", "to": "24:00", "price": 100, "block_minutes": 60}]
  }
}`

// mayChangeStandards refuses a change of a standard, which the chargers
// of any lot may use, to an operator who may not change every lot.
func mayChangeStandards(p *operators.Principal) error {
	if p.Role != park.RoleAdmin {
		return errForbidden
	}
	return nil
}

func (w *Console) standardsData(r *http.Request, p *operators.Principal) (standardsData, error) {
	l, err := w.lotFor(r, p)
	if err != nil {
		return standardsData{}, err
	}
	ctx := r.Context()
	uses, err := w.sys.Charging.LotStandardUse(ctx, l.Code)
	if err != nil {
		return standardsData{}, err
	}
	d := standardsData{Lot: l, Loc: l.Location(), CanSave: mayChangeStandards(p) == nil, Doc: newStandardDoc}
	if !seesEveryLot(p) {
		ids := make([]int64, 0, len(uses))
		for id := range uses {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			st, err := w.sys.Charging.StandardByID(ctx, id)
			if park.IsCode(err, park.ENotFound) {
				continue
			} else if err != nil {
				return d, err
			}
			d.Standards = append(d.Standards, standardRow{st, uses[id]})
		}
		return d, nil
	}
	page, err := w.sys.Charging.Standards(ctx, park.PriceStandardFilter{Family: -1, Limit: charging.MaxListLimit}, 0)
	if err != nil {
		return d, err
	}
	for _, st := range page.Standards {
		d.Standards = append(d.Standards, standardRow{st, uses[st.ID]})
	}
	if page.Total > len(page.Standards) {
		d.Total = page.Total
	}
	return d, nil
}

func (w *Console) standardsPage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	d, err := w.standardsData(r, p)
	if err != nil {
		return err
	}
	d.Saved = r.URL.Query().Get("saved") != ""
	w.render(rw, r, http.StatusOK, "standards", p, "overview", d)
	return nil
}

// standardsPost creates a standard from the form's document.
func (w *Console) standardsPost(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	d, err := w.standardsData(r, p)
	if err != nil {
		return err
	}
	return w.saveStandard(rw, r, p, d, "standards", func(in charging.StandardInput) (*park.PriceStandard, error) {
		return w.sys.Charging.CreateStandard(r.Context(), in)
	})
}

// saveStandard saves the form's document with save and goes to the
// standard's page, or shows the refusal on page beside the document.
func (w *Console) saveStandard(rw http.ResponseWriter, r *http.Request, p *operators.Principal, d standardsData, page string,
	save func(charging.StandardInput) (*park.PriceStandard, error)) error {
	if err := mayChangeStandards(p); err != nil {
		return err
	}
	d.Doc = r.PostFormValue("standard")
	in, err := charging.ParseStandard([]byte(d.Doc))
	if err == nil {
		var st *park.PriceStandard
		if st, err = save(in); err == nil {
			http.Redirect(rw, r, Prefix+"lots/"+d.Lot.Code+"/standards/"+strconv.FormatInt(st.ID, 10)+"?saved=1", http.StatusSeeOther)
			return nil
		}
	}
	if err := d.refused(p, err); err != nil {
		return err
	}
	w.render(rw, r, http.StatusUnprocessableEntity, page, p, "overview", d)
	return nil
}

// standardFor is the standard of the page's address, as the operator
// may see it: one no charger of the lot uses reads, to a lot operator,
// as one that does not exist.
func (w *Console) standardFor(r *http.Request, p *operators.Principal) (standardsData, error) {
	l, err := w.lotFor(r, p)
	if err != nil {
		return standardsData{}, err
	}
	ctx, raw := r.Context(), r.PathValue("id")
	d := standardsData{Lot: l, Loc: l.Location(), CanSave: mayChangeStandards(p) == nil}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		return d, notFoundAs(park.Errorf(park.ENotFound, "price standard %q not found", raw), "price_standard", raw)
	}
	st, err := w.sys.Charging.StandardByID(ctx, id)
	if err == nil && !seesEveryLot(p) {
		uses, uerr := w.sys.Charging.LotStandardUse(ctx, l.Code)
		if uerr != nil {
			return d, uerr
		}
		if uses[id] == 0 {
			err = park.Errorf(park.ENotFound, "price standard %d not found", id)
		}
	}
	if err != nil {
		return d, notFoundAs(err, "price_standard", raw)
	}
	d.Standard, d.Doc = st, string(charging.StandardDocument(st))
	return d, nil
}

func (w *Console) standardPage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	d, err := w.standardFor(r, p)
	if err != nil {
		return err
	}
	d.Saved = r.URL.Query().Get("saved") != ""
	w.render(rw, r, http.StatusOK, "standard", p, "overview", d)
	return nil
}

// standardPost replaces a standard with the form's document.
func (w *Console) standardPost(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	d, err := w.standardFor(r, p)
	if err != nil {
		return err
	}
	return w.saveStandard(rw, r, p, d, "standard", func(in charging.StandardInput) (*park.PriceStandard, error) {
		return w.sys.Charging.ReplaceStandard(r.Context(), d.Standard.ID, in)
	})
}

// refused puts a refused document's error beside the field, as the
// tariff page does; any other error is returned for the error page.
// The document's fields are named under "standard", as a tariff's under
// "tariff", so a page does not word a standard's name as an operator's.
func (d *standardsData) refused(p *operators.Principal, err error) error {
	var pe *park.Error
	if !errors.As(err, &pe) || pe.Code != park.EInvalid {
		return err
	}
	named := *pe
	named.Field = "standard"
	if pe.Field != "" {
		named.Field += "." + pe.Field
	}
	d.Err, d.Refusal = &named, describe(p.Language, &named)
	if named.Offset > 0 && d.Refusal.Hint != "" {
		line, col := lineColumn(d.Doc, named.Offset)
		d.Refusal.Hint = fmt.Sprintf(translate(p.Language, "hint_at"), d.Refusal.Hint, line, col)
	}
	return nil
}
