package httpapi_test

import (
	"testing"
	"time"
)

// A yen lot: amounts are whole yen, and every reply that carries one says
// JPY, so a partner need not look the lot up to read 500 as 500 yen.
const yenLotJSON = `{"code":"130100001","name":"Ginza","timezone":"Asia/Tokyo","currency":"JPY","capacity":10,
	"tariff":{"every":{"minutes":60,"price":300}}}`

func wantCurrency(t *testing.T, what string, m map[string]any, cur string) {
	t.Helper()
	if m["currency"] != cur {
		t.Errorf("%s: currency %v, want %s: %v", what, m["currency"], cur, m)
	}
}

func first(t *testing.T, list map[string]any, key string) map[string]any {
	t.Helper()
	items, _ := list[key].([]any)
	if len(items) == 0 {
		t.Fatalf("%s: empty: %v", key, list)
	}
	return items[0].(map[string]any)
}

func TestStayCurrency(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", yenLotJSON), 201)
	in := e.want(e.do("POST", "/v1/lots/130100001/events", event("y1", "entry", "京A12345", t0)), 200)
	wantCurrency(t, "stay", e.want(e.do("GET", "/v1/stays/"+in["stay_id"].(string), ""), 200), "JPY")
	wantCurrency(t, "stays", first(t, e.want(e.do("GET", "/v1/lots/130100001/stays", ""), 200), "stays"), "JPY")

	// A CNY lot beside it says CNY.
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	cn := e.want(e.do("POST", "/v1/lots/140123001/events", event("c1", "entry", "京A12345", t0)), 200)
	wantCurrency(t, "CNY stay", e.want(e.do("GET", "/v1/stays/"+cn["stay_id"].(string), ""), 200), "CNY")
}

func TestPlanCouponRenewalCurrency(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", yenLotJSON), 201)
	const lot = "/v1/lots/130100001"
	wantCurrency(t, "created plan", e.want(e.do("POST", lot+"/plans", `{"code":"std","name":"月極","price":20000}`), 201), "JPY")
	wantCurrency(t, "plans", first(t, e.want(e.do("GET", lot+"/plans", ""), 200), "plans"), "JPY")
	wantCurrency(t, "plan", e.want(e.do("GET", lot+"/plans/std", ""), 200), "JPY")
	wantCurrency(t, "patched plan", e.want(e.do("PATCH", lot+"/plans/std", `{"price":25000}`), 200), "JPY")

	c := e.want(e.do("POST", lot+"/coupons", `{"plate":"京A12345","kind":"amount","value":500}`), 201)
	wantCurrency(t, "issued coupon", c, "JPY")
	wantCurrency(t, "coupons", first(t, e.want(e.do("GET", lot+"/coupons", ""), 200), "coupons"), "JPY")
	wantCurrency(t, "coupon", e.want(e.do("GET", lot+"/coupons/"+c["id"].(string), ""), 200), "JPY")
	wantCurrency(t, "deleted coupon", e.want(e.do("DELETE", lot+"/coupons/"+c["id"].(string), ""), 200), "JPY")

	now := e.Now()
	ps := e.want(e.do("POST", lot+"/passes", `{"holder_name":"佐藤","plates":["京A12345"],"plan":"std",
		"valid_from":"`+now.Format(time.RFC3339)+`","valid_to":"`+now.AddDate(0, 1, 0).Format(time.RFC3339)+`"}`), 201)
	rn := e.want(e.do("POST", lot+"/passes/"+ps["id"].(string)+"/renewals", `{"months":1}`), 201)
	if rn["amount"] != float64(25000) {
		t.Fatalf("renewal %v, want 25000 (yen) for one month", rn)
	}
	wantCurrency(t, "renewal order", rn, "JPY")
	order := lot + "/renewals/" + rn["id"].(string)
	wantCurrency(t, "renewal", e.want(e.do("GET", order, ""), 200), "JPY")
	paid := e.want(e.do("POST", order+"/payment", `{"amount":25000,"method":"cash","reference":"R-1"}`), 201)
	wantCurrency(t, "paid renewal", paid["renewal"].(map[string]any), "JPY")
}

func TestChargingSessionCurrency(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", yenLotJSON), 201)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/price-standards", seedStandardJSON), 201)
	for _, c := range []struct{ id, lot string }{{"CAB-JP", "130100001"}, {"CAB-CN", "140123001"}} {
		e.want(e.do("POST", "/v1/chargers", `{"id":"`+c.id+`","lot_code":"`+c.lot+`","family":0,"type":"cabinet-10",
			"connectors":10,"standard_id":19464,"password":"0123456789abcdef"}`), 201)
		e.online(c.id)
	}
	jp := e.want(e.do("POST", "/v1/charging/sessions", `{"charger_id":"CAB-JP","connector":1,"prepaid":300}`), 201)
	wantCurrency(t, "started session", jp, "JPY")
	cn := e.want(e.do("POST", "/v1/charging/sessions", `{"charger_id":"CAB-CN","connector":1,"prepaid":300}`), 201)
	wantCurrency(t, "CNY session", cn, "CNY")
	wantCurrency(t, "session", e.want(e.do("GET", "/v1/charging/sessions/"+jp["id"].(string), ""), 200), "JPY")
	list := e.want(e.do("GET", "/v1/charging/sessions", ""), 200)
	got := map[string]any{}
	for _, x := range list["sessions"].([]any) {
		x := x.(map[string]any)
		got[x["charger_id"].(string)] = x["currency"]
	}
	if got["CAB-JP"] != "JPY" || got["CAB-CN"] != "CNY" {
		t.Errorf("listed sessions' currencies %v, want CAB-JP JPY and CAB-CN CNY", got)
	}
	wantCurrency(t, "stopped session", e.want(e.do("POST", "/v1/charging/sessions/"+jp["id"].(string)+"/stop", ""), 200), "JPY")
}

func TestRentalCurrency(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("PUT", "/v1/rental/stores/10001", rentalStoreJSON), 200)
	e.want(e.do("PUT", "/v1/rental/models/100001", `{"name":"卡罗拉","seats":5,"fuel":"petrol","transmission":"automatic"}`), 200)
	wantCurrency(t, "store model", e.want(e.do("PUT", "/v1/rental/stores/10001/models/100001", `{"daily_rate":20000}`), 200), "CNY")
	wantCurrency(t, "store models", first(t, e.want(e.do("GET", "/v1/rental/stores/10001/models", ""), 200), "models"), "CNY")
	e.want(e.do("PUT", "/v1/rental/vehicles/浙A12345", `{"vin":"LSVAU2180N2123456","store_code":"10001","model_code":"100001"}`), 200)
	o := e.want(e.do("POST", "/v1/rental/orders", `{"store_code":"10001","model_code":"100001",
		"pickup_at":"2026-11-24T09:00:00+08:00","return_at":"2026-11-25T10:00:00+08:00"}`), 201)
	wantCurrency(t, "rental order", o, "CNY")
	wantCurrency(t, "rental order read", e.want(e.do("GET", "/v1/rental/orders/"+o["id"].(string), ""), 200), "CNY")
}
