package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"parkd/internal/metrics"
	"parkd/internal/park"
	"parkd/internal/plate"
	"parkd/internal/spaces"
)

// These mirror the bodies that handlers build as maps, key for key.
type (
	docLotList struct {
		Lots []lotView `json:"lots"`
	}
	docAnomalyList struct {
		Anomalies []park.Anomaly `json:"anomalies"`
		Next      string         `json:"next,omitempty"`
	}
	docPassList struct {
		Passes []passView `json:"passes"`
		Next   string     `json:"next,omitempty"`
	}
	docPlanList struct {
		Plans []planView `json:"plans"`
	}
	docWhitelistList struct {
		Whitelist []whitelistView `json:"whitelist"`
		Next      string          `json:"next,omitempty"`
	}
	docStayPage struct {
		Stays []stayView `json:"stays"`
		Next  string     `json:"next,omitempty"`
	}
	docPreview struct {
		Amount   int64      `json:"amount"`
		Currency string     `json:"currency"`
		Lines    []lineView `json:"lines"`
	}
	docPartnerList struct {
		Partners []partnerView `json:"partners"`
	}
	docHealth struct {
		Status string `json:"status"`
		MQTT   string `json:"mqtt,omitempty"` // readiness with --mqtt
	}
	docSpaceList struct {
		Spaces []spaceView `json:"spaces"`
	}
	docSpacePage struct {
		Spaces []spaceView `json:"spaces"`
		Next   string      `json:"next,omitempty"`
	}
	docReportResults struct {
		Results []spaces.ReportResult `json:"results"`
	}
	docSubscriptionList struct {
		Subscriptions []subscriptionView `json:"subscriptions"`
	}
	docDeliveryPage struct {
		Deliveries []deliveryView `json:"deliveries"`
		Next       string         `json:"next,omitempty"`
	}
	docEnrolmentList struct {
		Enrolments []enrolmentView `json:"enrolments"`
	}
	docRentalStoreList struct {
		Stores []rentalStoreView `json:"stores"`
	}
	docVehicleModelList struct {
		Models []vehicleModelView `json:"models"`
	}
	docStoreModelList struct {
		Models []storeModelView `json:"models"`
	}
	docRentalVehicleList struct {
		Vehicles []rentalVehicleView `json:"vehicles"`
	}
	docRentalChannelList struct {
		Channels []rentalChannelView `json:"channels"`
	}
	docDeviceList struct {
		Devices []deviceView `json:"devices"`
	}
	docUserList struct {
		Users []userView `json:"users"`
	}
	docAuditList struct {
		Entries []auditView `json:"entries"`
		Next    string      `json:"next,omitempty"`
	}
	docChargerList struct {
		Chargers []chargerView `json:"chargers"`
	}
	docSessionList struct {
		Sessions []sessionView `json:"sessions"`
		Total    int           `json:"total"`
	}
	docIDTagList struct {
		IDTags    []idTagView `json:"id_tags"`
		NextAfter string      `json:"next_after"`
	}
	docStandardList struct {
		PriceStandards []standardView `json:"price_standards"`
		Total          int            `json:"total"`
	}
	docCouponList struct {
		Coupons []couponView `json:"coupons"`
		Total   int          `json:"total"`
		Next    string       `json:"next,omitempty"`
	}
)

// opBody names the Go types behind one operation's JSON bodies. A
// json.RawMessage stands for a tariff document, which the API passes
// through to the tariff engine.
type opBody struct {
	in     any // request body; nil when the operation reads none
	status int // the one success status
	out    any // success body; nil when there is none or it is not JSON of ours
}

var tariffDoc = json.RawMessage(nil)

// bodies lists every operation, served and documented. A new route needs a
// line here, which is what makes its documentation checked.
var bodies = map[string]opBody{
	"GET /healthz":         {status: 200, out: docHealth{}},
	"GET /readyz":          {status: 200, out: docHealth{}},
	"GET /metrics":         {status: 200},
	"GET /v1/openapi.json": {status: 200},

	"POST /v1/lots":                         {in: lotInput{}, status: 201, out: lotView{}},
	"GET /v1/lots":                          {status: 200, out: docLotList{}},
	"GET /v1/lots/{code}":                   {status: 200, out: lotView{}},
	"PATCH /v1/lots/{code}":                 {in: lotPatch{}, status: 200, out: lotView{}},
	"GET /v1/lots/{code}/tariff":            {status: 200, out: tariffDoc},
	"PUT /v1/lots/{code}/tariff":            {in: tariffDoc, status: 200, out: tariffDoc},
	"GET /v1/lots/{code}/occupancy":         {status: 200, out: park.Occupancy{}},
	"GET /v1/lots/{code}/anomalies":         {status: 200, out: docAnomalyList{}},
	"POST /v1/lots/{code}/events":           {in: eventInput{}, status: 200, out: park.Decision{}},
	"GET /v1/lots/{code}/stays":             {status: 200, out: docStayPage{}},
	"GET /v1/stays/{id}":                    {status: 200, out: stayView{}},
	"POST /v1/stays/{id}/quotes":            {status: 201, out: quoteView{}},
	"POST /v1/payments":                     {in: paymentInput{}, status: 201, out: paymentView{}},
	"POST /v1/lots/{code}/passes":           {in: passInput{}, status: 201, out: passView{}},
	"GET /v1/lots/{code}/passes":            {status: 200, out: docPassList{}},
	"GET /v1/lots/{code}/passes/{id}":       {status: 200, out: passView{}},
	"PATCH /v1/lots/{code}/passes/{id}":     {in: passInput{}, status: 200, out: passView{}},
	"DELETE /v1/lots/{code}/passes/{id}":    {status: 204},
	"POST /v1/lots/{code}/plans":            {in: planInput{}, status: 201, out: planView{}},
	"GET /v1/lots/{code}/plans":             {status: 200, out: docPlanList{}},
	"GET /v1/lots/{code}/plans/{plan}":      {status: 200, out: planView{}},
	"PATCH /v1/lots/{code}/plans/{plan}":    {in: planPatch{}, status: 200, out: planView{}},
	"DELETE /v1/lots/{code}/plans/{plan}":   {status: 204},
	"POST /v1/lots/{code}/whitelist":        {in: whitelistInput{}, status: 201, out: whitelistView{}},
	"GET /v1/lots/{code}/whitelist":         {status: 200, out: docWhitelistList{}},
	"GET /v1/lots/{code}/whitelist/{id}":    {status: 200, out: whitelistView{}},
	"PATCH /v1/lots/{code}/whitelist/{id}":  {in: whitelistInput{}, status: 200, out: whitelistView{}},
	"DELETE /v1/lots/{code}/whitelist/{id}": {status: 204},
	"POST /v1/tariffs/preview":              {in: previewInput{}, status: 200, out: docPreview{}},

	"POST /v1/partners":                        {in: partnerInput{}, status: 201, out: partnerView{}},
	"GET /v1/partners":                         {status: 200, out: docPartnerList{}},
	"GET /v1/partners/{id}":                    {status: 200, out: partnerView{}},
	"DELETE /v1/partners/{id}":                 {status: 204},
	"POST /v1/integrators":                     {in: integratorInput{}, status: 201, out: integratorView{}},
	"DELETE /v1/integrators/{username}/tokens": {status: 200, out: revokedView{}},

	"POST /v1/users":                   {in: userInput{}, status: 201, out: userView{}},
	"GET /v1/users":                    {status: 200, out: docUserList{}},
	"GET /v1/users/{name}":             {status: 200, out: userView{}},
	"PATCH /v1/users/{name}":           {in: userPatch{}, status: 200, out: userView{}},
	"DELETE /v1/users/{name}/sessions": {status: 200, out: revokedView{}},
	"GET /v1/audit":                    {status: 200, out: docAuditList{}},

	"PUT /v1/lots/{code}/spaces":                 {in: spacesInput{}, status: 200, out: docSpaceList{}},
	"GET /v1/lots/{code}/spaces":                 {status: 200, out: docSpacePage{}},
	"POST /v1/lots/{code}/spaces/reports":        {in: reportsInput{}, status: 200, out: docReportResults{}},
	"GET /v1/lots/{code}/remaining":              {status: 200, out: remainingView{}},
	"POST /v1/lots/{code}/lanes/{lane}/commands": {in: gateCommandInput{}, status: 200, out: gateResultView{}},
	"GET /v1/lots/{code}/lanes/{lane}/commands":  {status: 200, out: gateLogView{}},
	"POST /v1/lots/{code}/coupons":               {in: couponInput{}, status: 201, out: couponView{}},
	"GET /v1/lots/{code}/coupons":                {status: 200, out: docCouponList{}},
	"GET /v1/lots/{code}/coupons/{id}":           {status: 200, out: couponView{}},
	"DELETE /v1/lots/{code}/coupons/{id}":        {status: 200, out: couponView{}},
	"POST /v1/lots/{code}/passes/{id}/renewals":  {in: renewalInput{}, status: 201, out: renewalView{}},
	"GET /v1/lots/{code}/renewals/{id}":          {status: 200, out: renewalView{}},
	"POST /v1/lots/{code}/renewals/{id}/payment": {in: renewalPaymentInput{}, status: 201, out: renewalPaidView{}},

	"POST /v1/partners/{id}/subscriptions":                 {in: subscriptionInput{}, status: 201, out: subscriptionView{}},
	"GET /v1/partners/{id}/subscriptions":                  {status: 200, out: docSubscriptionList{}},
	"GET /v1/partners/{id}/subscriptions/{sub}":            {status: 200, out: subscriptionView{}},
	"PATCH /v1/partners/{id}/subscriptions/{sub}":          {in: subscriptionPatch{}, status: 200, out: subscriptionView{}},
	"DELETE /v1/partners/{id}/subscriptions/{sub}":         {status: 204},
	"POST /v1/partners/{id}/subscriptions/{sub}/redeliver": {in: redeliverInput{}, status: 200, out: redelivered{}},
	"GET /v1/deliveries":                                   {status: 200, out: docDeliveryPage{}},
	"POST /v1/partners/{id}/enrolments":                    {in: enrolmentInput{}, status: 201, out: enrolmentView{}},
	"GET /v1/partners/{id}/enrolments":                     {status: 200, out: docEnrolmentList{}},
	"DELETE /v1/partners/{id}/enrolments/{plate}":          {status: 204},

	"POST /v1/chargers":                           {in: chargerInput{}, status: 201, out: chargerView{}},
	"GET /v1/chargers":                            {status: 200, out: docChargerList{}},
	"GET /v1/chargers/{id}":                       {status: 200, out: chargerView{}},
	"PATCH /v1/chargers/{id}":                     {in: chargerPatch{}, status: 200, out: chargerView{}},
	"DELETE /v1/chargers/{id}":                    {status: 200, out: chargerView{}},
	"POST /v1/price-standards":                    {in: standardInput{}, status: 201, out: standardView{}},
	"GET /v1/price-standards":                     {status: 200, out: docStandardList{}},
	"GET /v1/price-standards/{id}":                {status: 200, out: standardView{}},
	"PUT /v1/price-standards/{id}":                {in: standardInput{}, status: 200, out: standardView{}},
	"DELETE /v1/price-standards/{id}":             {status: 204},
	"POST /v1/charging/preview":                   {in: chargePreviewInput{}, status: 200, out: chargePreviewView{}},
	"POST /v1/charging/sessions":                  {in: sessionInput{}, status: 201, out: sessionView{}},
	"GET /v1/charging/sessions":                   {status: 200, out: docSessionList{}},
	"GET /v1/charging/sessions/{id}":              {status: 200, out: sessionView{}},
	"POST /v1/charging/sessions/{id}/stop":        {status: 200, out: sessionView{}},
	"POST /v1/charging/sessions/{id}/end-lost":    {status: 200, out: sessionView{}},
	"POST /v1/lots/{code}/id-tags":                {in: idTagInput{}, status: 201, out: idTagView{}},
	"GET /v1/lots/{code}/id-tags":                 {status: 200, out: docIDTagList{}},
	"GET /v1/lots/{code}/id-tags/{tag}":           {status: 200, out: idTagView{}},
	"PUT /v1/lots/{code}/id-tags/{tag}":           {in: idTagBody{}, status: 200, out: idTagView{}},
	"DELETE /v1/lots/{code}/id-tags/{tag}":        {status: 204},
	"POST /v1/devices":                            {in: deviceInput{}, status: 201, out: deviceView{}},
	"GET /v1/devices":                             {status: 200, out: docDeviceList{}},
	"GET /v1/devices/{serial}":                    {status: 200, out: deviceView{}},
	"DELETE /v1/devices/{serial}":                 {status: 204},
	"GET /v1/images/{id}":                         {status: 200},
	"PUT /v1/rental/stores/{code}":                {in: rentalStoreInput{}, status: 200, out: rentalStoreView{}},
	"GET /v1/rental/stores":                       {status: 200, out: docRentalStoreList{}},
	"GET /v1/rental/stores/{code}":                {status: 200, out: rentalStoreView{}},
	"DELETE /v1/rental/stores/{code}":             {status: 204},
	"PUT /v1/rental/stores/{code}/rule":           {in: storeRuleInput{}, status: 200, out: storeRuleView{}},
	"GET /v1/rental/stores/{code}/rule":           {status: 200, out: storeRuleView{}},
	"DELETE /v1/rental/stores/{code}/rule":        {status: 204},
	"PUT /v1/rental/models/{code}":                {in: vehicleModelInput{}, status: 200, out: vehicleModelView{}},
	"GET /v1/rental/models":                       {status: 200, out: docVehicleModelList{}},
	"DELETE /v1/rental/models/{code}":             {status: 204},
	"PUT /v1/rental/stores/{code}/models/{model}": {in: storeModelInput{}, status: 200, out: storeModelView{}},
	"GET /v1/rental/stores/{code}/models":         {status: 200, out: docStoreModelList{}},
	"PUT /v1/rental/vehicles/{plate}":             {in: rentalVehicleInput{}, status: 200, out: rentalVehicleView{}},
	"GET /v1/rental/vehicles":                     {status: 200, out: docRentalVehicleList{}},
	"DELETE /v1/rental/vehicles/{plate}":          {status: 204},
	"PUT /v1/rental/channels/{app_key}":           {in: rentalChannelInput{}, status: 200, out: rentalChannelView{}},
	"GET /v1/rental/channels":                     {status: 200, out: docRentalChannelList{}},
	"GET /v1/rental/channels/{app_key}":           {status: 200, out: rentalChannelView{}},
	"POST /v1/rental/orders":                      {in: rentalOrderInput{}, status: 201, out: rentalOrderView{}},
	"GET /v1/rental/orders/{id}":                  {status: 200, out: rentalOrderView{}},
	"POST /v1/rental/orders/{id}/cancel":          {status: 200, out: rentalOrderView{}},
	"POST /v1/rental/orders/{id}/mileage":         {in: mileageInput{}, status: 200, out: rentalOrderView{}},
	"POST /v1/chargers/{id}/commands":             {in: commandInput{}, status: 200, out: commandView{}},
}

// public are the operations served without the admin token.
var public = []string{"GET /healthz", "GET /readyz", "GET /v1/openapi.json"}

func loadDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	return doc
}

// operations returns the document's operations by "METHOD /path".
func operations(doc map[string]any) map[string]map[string]any {
	ops := map[string]map[string]any{}
	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		item, _ := item.(map[string]any)
		for method, op := range item {
			switch method {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
				ops[strings.ToUpper(method)+" "+path], _ = op.(map[string]any)
			}
		}
	}
	return ops
}

func servedRoutes() []string {
	s := New(Config{Metrics: metrics.New(), Log: slog.New(slog.DiscardHandler)})
	return append(slices.Clone(s.Routes()), public...)
}

func TestOpenAPIVersion(t *testing.T) {
	doc := loadDoc(t)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1") {
		t.Fatalf("openapi = %q, want 3.1.x", v)
	}
}

func TestServeOpenAPI(t *testing.T) {
	s := New(Config{Metrics: metrics.New(), Log: slog.New(slog.DiscardHandler), AdminToken: "secret"})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d without a token, want 200", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if !bytes.Equal(rec.Body.Bytes(), openAPIDocument) {
		t.Error("served body differs from openapi.json")
	}
}

// TestOpenAPIRoutes keeps the documented operations and the served routes
// the same set, and their security as served.
func TestOpenAPIRoutes(t *testing.T) {
	doc := loadDoc(t)
	ops := operations(doc)
	served := map[string]bool{}
	for _, r := range servedRoutes() {
		served[r] = true
		if ops[r] == nil {
			t.Errorf("served but not documented: %s", r)
		}
		if _, ok := bodies[r]; !ok {
			t.Errorf("served but not in the bodies table of openapi_test.go: %s", r)
		}
	}
	for _, r := range sortedKeys(ops) {
		if !served[r] {
			t.Errorf("documented but not served: %s", r)
		}
	}
	for r := range bodies {
		if !served[r] {
			t.Errorf("in the bodies table but not served: %s", r)
		}
	}

	global, _ := doc["security"].([]any)
	if len(global) != 1 || global[0].(map[string]any)["bearerAuth"] == nil {
		t.Errorf("document security = %v, want bearerAuth", doc["security"])
	}
	for _, r := range sortedKeys(ops) {
		op := ops[r]
		sec, overrides := op["security"].([]any)
		isPublic := slices.Contains(public, r)
		switch {
		case isPublic && (!overrides || len(sec) != 0):
			t.Errorf("%s is served without a token; document it with security: []", r)
		case !isPublic && overrides && len(sec) == 0:
			t.Errorf("%s needs the admin token but is documented without security", r)
		case !isPublic && !hasResponse(op, 401):
			t.Errorf("%s needs the admin token but documents no 401", r)
		}
	}
}

// TestOpenAPIEvery400: every /v1 route behind the token can answer 400:
// an unknown or repeated query parameter, a path value that is not text,
// a body sent to a route that takes none are refused before the handler.
// So each documents it, or a generated client meets an undocumented one.
func TestOpenAPIEvery400(t *testing.T) {
	ops := operations(loadDoc(t))
	for _, r := range servedRoutes() {
		if op := ops[r]; op != nil && strings.Contains(r, " /v1/") && !slices.Contains(public, r) && !hasResponse(op, 400) {
			t.Errorf("%s documents no 400", r)
		}
	}
}

// TestOpenAPIPathParameters checks that every {name} in a path is declared
// as a required path parameter, and nothing else is.
func TestOpenAPIPathParameters(t *testing.T) {
	doc := loadDoc(t)
	for _, r := range sortedKeys(operations(doc)) {
		op := operations(doc)[r]
		path := strings.SplitN(r, " ", 2)[1]
		var want []string
		for _, seg := range strings.Split(path, "/") {
			if strings.HasPrefix(seg, "{") {
				want = append(want, strings.Trim(seg, "{}"))
			}
		}
		var got []string
		params, _ := op["parameters"].([]any)
		for _, p := range params {
			p := resolve(t, doc, p)
			if p["in"] == "path" {
				got = append(got, p["name"].(string))
				if p["required"] != true {
					t.Errorf("%s: path parameter %v must be required", r, p["name"])
				}
			}
		}
		sort.Strings(want)
		sort.Strings(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: path parameters %v, want %v", r, got, want)
		}
	}
}

func TestOpenAPIRefs(t *testing.T) {
	doc := loadDoc(t)
	n := 0
	walk(doc, func(ref string) {
		n++
		if _, err := lookup(doc, ref); err != nil {
			t.Errorf("$ref %q: %v", ref, err)
		}
	})
	if n == 0 {
		t.Error("no $ref found; the walk is broken")
	}
}

// TestOpenAPIBodies checks every documented request and response body
// against the Go type the handler decodes or encodes: the same JSON names,
// the same JSON types, all the way down.
func TestOpenAPIBodies(t *testing.T) {
	doc := loadDoc(t)
	ops := operations(doc)
	errorStatuses := map[int]bool{}
	for _, st := range statusOf {
		errorStatuses[st] = true
	}
	for _, st := range transportStatus {
		errorStatuses[st] = true
	}
	problemRef := "#/components/schemas/Problem"
	problemSchema := resolve(t, doc, map[string]any{"$ref": problemRef})
	checkShape(t, doc, "Problem", problemSchema, reflect.TypeFor[problem](), false)

	for _, r := range sortedKeys(bodies) {
		want, op := bodies[r], ops[r]
		if op == nil {
			continue // reported by TestOpenAPIRoutes
		}
		t.Run(r, func(t *testing.T) {
			rb, hasBody := op["requestBody"]
			switch {
			case want.in == nil && hasBody:
				t.Error("documents a request body; the handler reads none")
			case want.in != nil && !hasBody:
				t.Error("documents no request body; the handler reads one")
			case want.in != nil:
				body := resolve(t, doc, rb)
				if body["required"] != true {
					t.Error("requestBody must be required")
				}
				checkShape(t, doc, "request", jsonSchema(t, body, "application/json"), reflect.TypeOf(want.in), true)
			}

			responses, _ := op["responses"].(map[string]any)
			for code, resp := range responses {
				st, err := strconv.Atoi(code)
				if err != nil {
					t.Errorf("response %q: not a status code", code)
					continue
				}
				resp := resolve(t, doc, resp)
				switch {
				case st >= 200 && st < 300 && st != want.status:
					t.Errorf("documents %d; the handler answers %d", st, want.status)
				case st >= 200 && st < 300 && st == http.StatusNoContent:
					if resp["content"] != nil {
						t.Error("204 must have no content")
					}
				case st >= 200 && st < 300 && want.out != nil:
					checkShape(t, doc, "response", jsonSchema(t, resp, "application/json"), reflect.TypeOf(want.out), false)
				case st >= 400:
					if !errorStatuses[st] {
						t.Errorf("documents %d, which no error code maps to", st)
					}
					s, _ := jsonSchema(t, resp, "application/problem+json")["$ref"].(string)
					if s != problemRef {
						t.Errorf("%d: schema %q, want %s", st, s, problemRef)
					}
				}
			}
			if !hasResponse(op, want.status) {
				t.Errorf("documents no %d", want.status)
			}
		})
	}
}

// checkShape reports where schema and typ disagree on JSON names or types.
// input selects request rules (unknown fields refused) over response rules
// (a field without omitempty is always present; a pointer may be null).
func checkShape(t *testing.T, doc map[string]any, where string, schema any, typ reflect.Type, input bool) {
	t.Helper()
	if typ == reflect.TypeFor[json.RawMessage]() {
		if !refers(doc, schema, "#/components/schemas/Tariff") {
			t.Errorf("%s: a tariff document must refer to #/components/schemas/Tariff", where)
		}
		return
	}
	nullable := false
	if typ.Kind() == reflect.Pointer {
		typ, nullable = typ.Elem(), true
	}
	want := jsonKind(typ)
	branches := flatten(t, doc, schema)
	var match map[string]any
	has := map[string]bool{}
	for _, b := range branches {
		for _, ty := range types(b) {
			has[ty] = true
			if ty == want && match == nil {
				match = b
			}
		}
	}
	if match == nil {
		t.Errorf("%s: documented as %v; Go %s is a JSON %s", where, sortedKeys(has), typ, want)
		return
	}
	if nullable && !input && !has["null"] {
		t.Errorf("%s: Go %s may be null; document null", where, typ)
	}
	switch want {
	case "array":
		items, ok := match["items"]
		if !ok {
			t.Errorf("%s: array without items", where)
			return
		}
		checkShape(t, doc, where+"[]", items, typ.Elem(), input)
	case "object":
		if typ.Kind() != reflect.Struct {
			return
		}
		props, _ := match["properties"].(map[string]any)
		fields, always := jsonFields(typ)
		for _, name := range sortedKeys(fields) {
			if _, ok := props[name]; !ok {
				t.Errorf("%s: %s.%s is not documented", where, typ, name)
				continue
			}
			checkShape(t, doc, where+"."+name, props[name], fields[name], input)
		}
		for _, name := range sortedKeys(props) {
			if _, ok := fields[name]; !ok {
				t.Errorf("%s: documents %q, which %s does not have", where, name, typ)
			}
		}
		if input {
			if match["additionalProperties"] != false {
				t.Errorf("%s: unknown fields are refused; document additionalProperties: false", where)
			}
			return
		}
		var required []string
		for _, r := range asSlice(match["required"]) {
			required = append(required, r.(string))
		}
		sort.Strings(required)
		if !slices.Equal(required, always) {
			t.Errorf("%s: required %v; always present in %s: %v", where, required, typ, always)
		}
	}
}

// jsonFields returns the JSON names of a struct's fields, their types, and
// the sorted names that encoding/json always writes.
func jsonFields(typ reflect.Type) (map[string]reflect.Type, []string) {
	fields := map[string]reflect.Type{}
	var always []string
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
		if !slices.Contains(strings.Split(opts, ","), "omitempty") {
			always = append(always, name)
		}
	}
	sort.Strings(always)
	return fields, always
}

func jsonKind(typ reflect.Type) string {
	if typ == reflect.TypeFor[time.Time]() {
		return "string"
	}
	switch typ.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return typ.Kind().String()
}

// flatten resolves $ref and opens anyOf/oneOf into the schemas a value may
// match.
func flatten(t *testing.T, doc map[string]any, schema any) []map[string]any {
	t.Helper()
	s := resolve(t, doc, schema)
	out := []map[string]any{s}
	for _, key := range []string{"anyOf", "oneOf"} {
		for _, b := range asSlice(s[key]) {
			out = append(out, flatten(t, doc, b)...)
		}
	}
	return out
}

// refers reports whether schema is, or offers as an alternative, ref.
func refers(doc map[string]any, schema any, ref string) bool {
	s, _ := schema.(map[string]any)
	if s["$ref"] == ref {
		return true
	}
	if r, ok := s["$ref"].(string); ok {
		v, err := lookup(doc, r)
		return err == nil && refers(doc, v, ref)
	}
	for _, key := range []string{"anyOf", "oneOf"} {
		for _, b := range asSlice(s[key]) {
			if refers(doc, b, ref) {
				return true
			}
		}
	}
	return false
}

func types(s map[string]any) []string {
	switch ty := s["type"].(type) {
	case string:
		return []string{ty}
	case []any:
		var out []string
		for _, v := range ty {
			out = append(out, fmt.Sprint(v))
		}
		return out
	}
	return nil
}

// jsonSchema returns the schema of a request body's or response's content.
func jsonSchema(t *testing.T, holder map[string]any, mediaType string) map[string]any {
	t.Helper()
	content, _ := holder["content"].(map[string]any)
	media, _ := content[mediaType].(map[string]any)
	schema, _ := media["schema"].(map[string]any)
	if schema == nil {
		t.Errorf("no %s schema", mediaType)
	}
	return schema
}

func hasResponse(op map[string]any, status int) bool {
	responses, _ := op["responses"].(map[string]any)
	_, ok := responses[strconv.Itoa(status)]
	return ok
}

// resolve follows $ref until it reaches a definition.
func resolve(t *testing.T, doc map[string]any, v any) map[string]any {
	t.Helper()
	for range 16 {
		m, _ := v.(map[string]any)
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		var err error
		if v, err = lookup(doc, ref); err != nil {
			t.Fatalf("$ref %q: %v", ref, err)
		}
	}
	t.Fatalf("$ref chain too long at %v", v)
	return nil
}

// lookup resolves a local JSON pointer reference (RFC 6901).
func lookup(doc map[string]any, ref string) (any, error) {
	ptr, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("only local references are used")
	}
	var v any = doc
	for _, tok := range strings.Split(ptr, "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%q is not inside an object", tok)
		}
		if v, ok = m[tok]; !ok {
			return nil, fmt.Errorf("%q not found", tok)
		}
	}
	return v, nil
}

func walk(v any, fn func(ref string)) {
	switch v := v.(type) {
	case map[string]any:
		if ref, ok := v["$ref"].(string); ok {
			fn(ref)
		}
		for _, c := range v {
			walk(c, fn)
		}
	case []any:
		for _, c := range v {
			walk(c, fn)
		}
	}
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestOpenAPIAnomalyKinds: the document names every kind of anomaly the
// core records (park's Anomaly constants), so a client can tell them.
func TestOpenAPIAnomalyKinds(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []any `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	dec := json.NewDecoder(bytes.NewReader(openAPIDocument))
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	got := doc.Components.Schemas["Anomaly"].Properties["kind"].Enum
	for _, k := range park.AnomalyKinds() {
		if !slices.Contains(got, any(k)) {
			t.Errorf("Anomaly.kind %q lacks %q", got, k)
		}
	}
}

// TestOpenAPIReportKinds: every place the document lists report kinds (a
// subscription's, a delivery's, the deliveries filter) lists exactly the
// kinds the core sends, so a client generated from it accepts each one; a
// new subscription's, all but rental.
func TestOpenAPIReportKinds(t *testing.T) {
	var doc any
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	want := park.ReportKinds()
	found := 0
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if enum, ok := v["enum"].([]any); ok && slices.Contains(enum, any(park.ReportExit)) && slices.Contains(enum, any(park.ReportLotInfo)) {
				found++
				got := make([]string, len(enum))
				for i, e := range enum {
					got[i], _ = e.(string)
				}
				want := want
				if strings.Contains(path, "/SubscriptionInput/") {
					// A partner may not subscribe to rental changes
					// (TestOpenAPISubscriptionReports asks the server).
					want = slices.DeleteFunc(slices.Clone(want), func(k string) bool { return k == park.ReportRental })
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: enum %q, want the core's report kinds %q", path, got, want)
				}
			}
			for _, k := range sortedKeys(v) {
				walk(path+"/"+k, v[k])
			}
		case []any:
			for i, e := range v {
				walk(fmt.Sprintf("%s/%d", path, i), e)
			}
		}
	}
	walk("", doc)
	if found < 4 {
		t.Errorf("found %d lists of report kinds, want at least 4 (Subscription, SubscriptionInput, Delivery, GET /v1/deliveries)", found)
	}
}

// TestOpenAPIProblemReasons: the document lists, and words, exactly the
// reasons a problem can carry (park's Reason constants and the plate
// package's kinds of refusal), so a client generated from it accepts each
// one and its author can read what each means.
func TestOpenAPIProblemReasons(t *testing.T) {
	want := park.Reasons()
	for _, w := range plate.Whys() {
		want = append(want, string(w))
	}
	s := enumSchema(t, "ProblemReason")
	if got, want := slices.Sorted(slices.Values(s.Enum)), slices.Sorted(slices.Values(want)); !slices.Equal(got, want) {
		t.Errorf("ProblemReason enum %q, want %q", got, want)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range want {
		if !strings.Contains(s.Description, "`"+r+"` ") {
			t.Errorf("ProblemReason's description does not say what %q means", r)
		}
		if !bytes.Contains(readme, []byte("`"+r+"`")) {
			t.Errorf("README's table of reasons lacks %q", r)
		}
	}
}

// TestOpenAPIErrorCodes: every code a native problem can carry (the
// core's and the HTTP layer's own) is in the document's ErrorCode enum,
// its description naming the status it comes with, so a client that
// validates the enum does not refuse a real reply.
func TestOpenAPIErrorCodes(t *testing.T) {
	want := map[string]int{}
	for _, c := range park.Codes() {
		want[string(c)] = statusOf[c]
	}
	for c, status := range transportStatus {
		want[c] = status
	}
	s := enumSchema(t, "ErrorCode")
	got := slices.Sorted(slices.Values(s.Enum))
	if keys := slices.Sorted(maps.Keys(want)); !slices.Equal(got, keys) {
		t.Errorf("ErrorCode enum %q, want %q", got, keys)
	}
	for c, status := range want {
		if !strings.Contains(s.Description, fmt.Sprintf("%s %d", c, status)) {
			t.Errorf("ErrorCode's description does not give %s its status %d", c, status)
		}
	}
}

// enumSchema reads a string schema of the document's components: its
// description and its values.
func enumSchema(t *testing.T, name string) (s struct {
	Description string `json:"description"`
	Enum        []string
}) {
	t.Helper()
	var doc struct {
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(doc.Components.Schemas[name], &s); err != nil || len(s.Enum) == 0 {
		t.Fatalf("schema %s: %v, %d values; want a string enum", name, err, len(s.Enum))
	}
	return s
}
