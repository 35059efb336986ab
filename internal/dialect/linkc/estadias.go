package linkc

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"parkd/internal/billing"
	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/partners"
)

// estadiaCalculo is the reply to a lookup by locator, key for key as the
// seed's example.
type estadiaCalculo struct {
	Localizador string `json:"localizador"`
	valores
}

// permanencia is the reply to a lookup by plate.
type permanencia struct {
	Placa string `json:"placa"`
	valores
}

// valores are the keys the two replies share, in the seed's order.
type valores struct {
	EntradaDataHora   string `json:"entrada_datahora"`
	ValidadeDataHora  string `json:"validade_datahora"`
	ValorTotal        string `json:"valor_total"`
	Desconto          string `json:"desconto,omitempty"` // only with a discount: the examples have none
	ValorPago         string `json:"valor_pago"`
	ValorDevido       string `json:"valor_devido"`
	ValorAdquirente   string `json:"valor_adquirente"`
	Transacao         string `json:"transacao,omitempty"`
	TransacaoValidade string `json:"transacao_validade_datahora,omitempty"`
}

// movimento is the reply to an OSA partner.
type movimento struct {
	Documento       string `json:"documento"`
	Status          string `json:"status"`
	EntradaDataHora string `json:"entrada_datahora"`
	SaidaDataHora   string `json:"saida_datahora,omitempty"`
	ValorTotal      string `json:"valor_total"`
}

// osaPorLocalizador answers an OSA partner that sends a plate.
const osaPorLocalizador = "parceiros do tipo OSA consultam apenas por localizador; envie o localizador da estadia, sem placa"

// statuses are the stay states as OSA partners read them (the seed lists
// none but FINALIZADO in its example; the others are parkd's choice).
var statuses = map[string]string{billing.StateOwes: "ABERTO", billing.StatePaid: "PAGO", billing.StateLeft: "FINALIZADO"}

// estadias is GET /api/estadias?localizador=|placa=[&parceiro_id=].
func (h *Handler) estadias(w http.ResponseWriter, r *http.Request) error {
	q, err := query(r.URL.RawQuery, "localizador", "placa", "parceiro_id")
	if err != nil {
		return err
	}
	c, err := h.caller(r, q.Get("parceiro_id"))
	if err != nil {
		return err
	}
	if _, sent := q["placa"]; sent && q.Get("placa") == "" && q.Get("localizador") == "" {
		// The core is told neither; the caller is told of the one it sent.
		if c.Partner.Type == park.PartnerOwnEntries {
			return invalid("placa", osaPorLocalizador)
		}
		return invalid("placa")
	}
	st, err := h.lookup(r.Context(), c.Partner, partners.StayLookup{Locator: q.Get("localizador"), Plate: q.Get("placa"),
		Peek: r.Method == http.MethodHead})
	if err != nil {
		var pe *park.Error
		if c.Partner.Type == park.PartnerOwnEntries && errors.As(err, &pe) && pe.Code == park.EInvalid && pe.Field == "plate" {
			// Whatever the plate, an OSA partner is told why a plate
			// cannot be used, not how to write one.
			return invalid("placa", osaPorLocalizador)
		}
		return err
	}
	if err := inReais(st.Lot); err != nil {
		return err
	}
	if r.Method == http.MethodHead {
		// No body, so no Content-Length: one measured from it would not
		// be the GET's, whose reply carries the quote a HEAD never takes.
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		return nil
	}
	writeJSON(w, http.StatusOK, reply(c.Partner, st, q.Get("placa") != ""))
	return nil
}

// query parses the query string: a parameter the route does not take
// (takes) or one given twice is refused rather than ignored or guessed
// (a misspelt parceiro_id would act as the default partner).
func query(raw string, takes ...string) (url.Values, error) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil, invalid("query", "a query string não é válida")
	}
	for _, k := range slices.Sorted(maps.Keys(q)) { // sorted: the same one named every time
		vs := q[k]
		if !slices.Contains(takes, k) {
			return nil, invalid(core.Echo(k), aceita(takes))
		}
		if len(vs) > 1 {
			return nil, invalid(k, "informado mais de uma vez")
		}
	}
	return q, nil
}

// aceita says which parameters a route takes, in Portuguese.
func aceita(takes []string) string {
	switch len(takes) {
	case 0:
		return "esta rota não aceita parâmetros"
	case 1:
		return "parâmetro desconhecido; esta rota aceita " + takes[0]
	}
	return "parâmetro desconhecido; esta rota aceita " + strings.Join(takes[:len(takes)-1], ", ") + " e " + takes[len(takes)-1]
}

// inReais refuses a stay whose garage prices in another currency: its
// amounts would be read as reais. The core keeps such a garage from Linkc
// partners; this answers one that holds it still (set up before that
// rule) with an error rather than a wrong amount.
func inReais(l *park.Lot) error {
	if l.Currency == Currency {
		return nil
	}
	return &problem{codigo: codigoOtherCurrency, detalhe: "a garagem " + l.Code + " cobra em " + l.Currency +
		" e esta API informa valores apenas em reais; peça ao operador do estacionamento que corrija o cadastro do parceiro"}
}

// reply shapes a priced stay as the seed does for the partner's type.
func reply(p *park.Partner, st *billing.StayStatus, byPlate bool) any {
	loc, cur := st.Lot.Location(), st.Lot.Currency
	if p.Type == park.PartnerOwnEntries {
		m := movimento{Documento: st.Stay.Locator, Status: statuses[st.State],
			// No desconto beside it: the stay's cost after the discount.
			EntradaDataHora: formatTime(st.Stay.EntryAt, loc), ValorTotal: FormatAmount(st.Total, cur)}
		if st.Stay.ExitAt != nil {
			m.SaidaDataHora = formatTime(*st.Stay.ExitAt, loc)
		}
		return map[string]movimento{"movimento": m}
	}
	v := valores{
		EntradaDataHora:  formatTime(st.Stay.EntryAt, loc),
		ValidadeDataHora: formatTime(st.LeaveBy, loc), // paid now, the car leaves by then
		ValorTotal:       FormatAmount(st.Gross, cur), // before the discount, as valor_devido's rule reads
		ValorPago:        FormatAmount(st.Paid, cur),
		ValorDevido:      FormatAmount(st.Due, cur),
		ValorAdquirente:  FormatAmount(st.CollectAmount, cur),
	}
	if st.Discount != 0 {
		v.Desconto = FormatAmount(st.Discount, cur)
	}
	if st.Quote != nil {
		v.Transacao, v.TransacaoValidade = st.Quote.ID, formatTime(st.Quote.ExpiresAt, loc)
	}
	if byPlate {
		return map[string]permanencia{"permanencia": {Placa: st.Stay.Plate, valores: v}}
	}
	return map[string]estadiaCalculo{"estadia_calculo": {Localizador: st.Stay.Locator, valores: v}}
}
