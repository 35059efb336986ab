package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"parkd/internal/operators"
	"parkd/internal/park"
)

// view is what every template gets: the page's own data, the operator,
// the form token, the navigation and the words in the operator's
// language.
type view struct {
	Lang   string
	User   *operators.Principal
	CSRF   string
	Nav    []navItem
	Active string
	Data   any
}

type navItem struct {
	Key, Href string
}

// T is a word of the console in the view's language.
func (v *view) T(key string) string { return translate(v.Lang, key) }

// parsePages parses each page template with the layout.
func parsePages() map[string]*template.Template {
	funcs := template.FuncMap{
		"time":      formatTime,
		"lotLinks":  lotLinks,
		"hasPrefix": strings.HasPrefix,
		// pathSeg escapes free text (a lane's id) as one path segment.
		"pathSeg":  url.PathEscape,
		"imageSrc": imageSrc,
		// unitsWord says what a typed price counts: minor units, or
		// whole ones for a currency with none smaller (the yen).
		"unitsWord": func(currency string) string {
			if park.MinorUnits(currency) == 0 {
				return "tariff_units_whole"
			}
			return "tariff_units"
		},
	}
	// The layout and the partials (_*.html) are in every page.
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html"))
	names, _ := fs.Glob(templateFS, "templates/*.html")
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		pages[name] = template.Must(template.Must(layout.Clone()).ParseFS(templateFS, n))
	}
	return pages
}

// render writes page name inside the layout. A template error is a bug:
// it is logged and answered 500, never half a page.
func (w *Console) render(rw http.ResponseWriter, r *http.Request, status int, name string, p *operators.Principal,
	active string, data any) {
	v := &view{Lang: clientLang(r), User: p, Active: active, Data: data}
	if p != nil {
		v.Lang, v.CSRF = p.Language, p.Session.CSRF
		v.Nav = navFor(p)
	}
	var buf bytes.Buffer
	if err := w.pages[name].ExecuteTemplate(&buf, "layout.html", v); err != nil {
		w.log.Error("console template", "page", name, "err", err)
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(status)
	_, _ = rw.Write(buf.Bytes())
}

// FormError is a form's refused field as the error page would word it in
// the view's language (describe): shown beside the form.
func (v *view) FormError(e *park.Error) pageError { return describe(v.Lang, e) }

// W is a value of the core in the view's language (word).
func (v *view) W(prefix, value string) string { return word(v.Lang, prefix, value) }

// Money is an amount of minor units as the view's operator reads money.
func (v *view) Money(amount int64, currency string) string {
	return formatMoney(v.Lang, amount, currency)
}

// CouponValue is what a coupon of kind takes off, in its unit: an
// amount as money, minutes and hours with their unit, a percentage.
func (v *view) CouponValue(kind string, value int64, currency string) string {
	n := strconv.FormatInt(value, 10)
	switch kind {
	case park.CouponAmount:
		return v.Money(value, currency)
	case park.CouponPercent:
		return n + "%"
	case park.CouponMinutes, park.CouponHours:
		sep := " "
		if v.Lang == "zh" {
			sep = ""
		}
		return n + sep + v.T("unit_"+kind)
	case park.CouponFree:
		return "—" // the kind says it all
	}
	return n
}

// formatMoney writes minor units as a decimal in the currency's units, as
// an operator of lang reads money: in English with the code after it
// (1250 CNY is "12.50 CNY"); in Chinese with the yuan sign for yuan
// ("¥12.50") and groups of thousands; in Portuguese with a decimal comma
// and a point between thousands, and the real's sign for reais
// ("R$ 1.234,50", "12,50 CNY"), as money is written in Brazil.
func formatMoney(lang string, amount int64, currency string) string {
	d := park.MinorUnits(currency)
	neg := amount < 0
	if neg {
		amount = -amount
	}
	digits := strconv.FormatInt(amount, 10)
	for len(digits) <= d {
		digits = "0" + digits
	}
	whole, frac := digits[:len(digits)-d], digits[len(digits)-d:]
	point, group := ".", ""
	switch lang {
	case "zh":
		group = ","
	case "pt":
		point, group = ",", "."
	}
	if group != "" {
		var b strings.Builder
		for i, c := range whole {
			if i > 0 && (len(whole)-i)%3 == 0 {
				b.WriteString(group)
			}
			b.WriteRune(c)
		}
		whole = b.String()
	}
	s := whole
	if d > 0 {
		s += point + frac
	}
	sign := ""
	if neg {
		sign = "-"
	}
	switch {
	case lang == "zh" && currency == "CNY":
		return sign + "¥" + s
	case lang == "pt" && currency == "BRL":
		return sign + "R$ " + s
	}
	return sign + s + " " + currency
}

// KWh is an energy in the view's language.
func (v *view) KWh(wh int64) string { return formatKWh(v.Lang, wh) }

// formatKWh writes watt-hours as kilowatt-hours to the watt-hour, as an
// operator of lang reads a decimal: 12345 is "12.345" in English and
// Chinese, "12,345" in Portuguese, where "12.345" is twelve thousand.
func formatKWh(lang string, wh int64) string {
	sign := ""
	if wh < 0 {
		sign, wh = "-", -wh
	}
	whole, point := strconv.FormatInt(wh/1000, 10), "."
	if lang == "pt" {
		point = ","
		var b strings.Builder
		for i, c := range whole {
			if i > 0 && (len(whole)-i)%3 == 0 {
				b.WriteByte('.')
			}
			b.WriteRune(c)
		}
		whole = b.String()
	}
	return fmt.Sprintf("%s%s%s%03d", sign, whole, point, wh%1000)
}
