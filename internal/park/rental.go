package park

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// A rental fleet: stores (and pick-up points) that sit in parkd's lots,
// the vehicle models they rent, each store's terms for a model, and the
// vehicles. Sales channels are told of every change (ReportRental); the
// channel's own words live in its dialect.

// Store kinds.
const (
	RentalStoreKind  = "store"
	RentalPickupKind = "pickup_point"
)

// RentalStore is a place cars are rented from.
type RentalStore struct {
	Code        string    `json:"code"`
	CompanyCode string    `json:"company_code"`
	Kind        string    `json:"kind"`
	Name        string    `json:"name"`
	Address     string    `json:"address"`
	Latitude    float64   `json:"latitude"`
	Longitude   float64   `json:"longitude"`
	City        string    `json:"city"`  // the city's code (administrative division)
	Opens       string    `json:"opens"` // "HH:MM", the store's local time
	Closes      string    `json:"closes"`
	Active      bool      `json:"active"`
	LotCode     string    `json:"lot_code"` // the parkd lot it sits in
	Deleted     bool      `json:"deleted"`  // retired: kept for its orders, never rented from again
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int64     `json:"-"`
}

// VehicleModel is a model the supplier rents, mapped to the channel's
// standard model.
type VehicleModel struct {
	Code         string    `json:"code"`
	Name         string    `json:"name"`
	Seats        int       `json:"seats"`
	Fuel         string    `json:"fuel"`         // petrol, diesel, electric, hybrid
	Transmission string    `json:"transmission"` // manual, automatic
	StandardID   string    `json:"standard_id"`  // the sales channel's standard model id
	Deleted      bool      `json:"deleted"`      // retired: no store rents it any more
	UpdatedAt    time.Time `json:"updated_at"`
	Version      int64     `json:"-"`
}

// StoreModel is a store's terms for one vehicle model. Amounts are minor
// units of the store's lot currency.
type StoreModel struct {
	StoreCode string `json:"store_code"`
	ModelCode string `json:"model_code"`
	// MileageLimited: a rental may drive at most MileageLimit km per day,
	// and pays OverMileageFee per km beyond: a whole number of the
	// currency's major unit, as the sales channels carry it.
	MileageLimited bool  `json:"mileage_limited"`
	MileageLimit   int   `json:"mileage_limit_km"`
	OverMileageFee int64 `json:"over_mileage_fee"`
	// CreditDeposit: the channel may waive the deposits below on the
	// renter's credit.
	CreditDeposit    bool      `json:"credit_deposit"`
	ViolationDeposit int64     `json:"violation_deposit"`
	DamageDeposit    int64     `json:"damage_deposit"`
	DailyRate        int64     `json:"daily_rate"` // the rent of one day (every started 24 hours)
	Deleted          bool      `json:"deleted"`
	UpdatedAt        time.Time `json:"updated_at"`
	Version          int64     `json:"-"`
}

// RentalVehicle is one car of the fleet.
type RentalVehicle struct {
	Plate     string    `json:"plate"`
	PlateKey  string    `json:"plate_key"`
	VIN       string    `json:"vin"`
	StoreCode string    `json:"store_code"`
	ModelCode string    `json:"model_code"`
	Mileage   int       `json:"mileage_km"`
	OneWay    bool      `json:"one_way"` // may be returned to another store
	Deleted   bool      `json:"deleted"` // retired: kept for its orders, never rented again
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"-"`
}

// RentalChannel is a sales channel the catalogue is pushed to. It is
// also a partner of the channel's dialect (its id is the app key; the
// same secret, and the sign method as sign mode) whose lots are those of
// the stores it sells, with one subscription to ReportRental at its
// gateway (RentalSubscription), which sets its call-rate limit.
type RentalChannel struct {
	ID         string    `json:"id"` // the app key the channel gave the supplier
	Name       string    `json:"name"`
	Dialect    string    `json:"dialect"`
	Secret     string    `json:"secret"`
	SignMethod string    `json:"sign_method"`
	GatewayURL string    `json:"gateway_url"`
	Stores     []string  `json:"stores"`     // the stores it sells
	RateLimit  int       `json:"rate_limit"` // calls per second (0: the subscription default)
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Version    int64     `json:"-"`
}

// RentalSubscription is the id of a channel's subscription to ReportRental.
func RentalSubscription(channelID string) string { return "rental-" + channelID }

// Rental change items: what a ReportRental is about.
const (
	RentalItemStore      = "store"
	RentalItemStoreRule  = "store_rule"
	RentalItemModel      = "model"
	RentalItemStoreModel = "store_model"
	RentalItemVehicle    = "vehicle"
)

// RentalChange is a ReportRental's content: the item as it is now (or
// was, when Deleted), with the store it belongs to for store items.
type RentalChange struct {
	Item       string         `json:"item"`
	Store      *RentalStore   `json:"store,omitempty"`
	Model      *VehicleModel  `json:"model,omitempty"`
	StoreModel *StoreModel    `json:"store_model,omitempty"`
	Vehicle    *RentalVehicle `json:"vehicle,omitempty"`
	Rule       *StoreRule     `json:"rule,omitempty"`
	Deleted    bool           `json:"deleted,omitempty"`
}

// Subject names the one item a change is about (its kind and code):
// every change is the item's whole state, so a change is superseded by a
// later one of the same subject, not by another item of its store.
func (c *RentalChange) Subject() string {
	switch {
	case c.Item == RentalItemStoreModel && c.StoreModel != nil:
		return c.Item + ":" + c.StoreModel.StoreCode + "/" + c.StoreModel.ModelCode
	case c.Item == RentalItemVehicle && c.Vehicle != nil:
		return c.Item + ":" + c.Vehicle.StoreCode + "/" + c.Vehicle.PlateKey
	case c.Item == RentalItemStoreRule && c.Rule != nil:
		return c.Item + ":" + c.Rule.StoreCode
	case c.Item == RentalItemModel && c.Model != nil:
		return c.Item + ":" + c.Model.Code
	case c.Item == RentalItemStore && c.Store != nil:
		return c.Item + ":" + c.Store.Code
	}
	return c.Item
}

// RentalStoreKey orders one store's changes: a channel hears of them in
// the order they were made.
func RentalStoreKey(store string) string { return "rental_store:" + store }

// RentalModelKey orders one vehicle model's changes.
func RentalModelKey(model string) string { return "rental_model:" + model }

// After is the second ordering key of a change (Report.After). A store's
// terms for a model, and a car, name the model, which a channel must know
// before it takes them, so they wait behind the model's earlier changes
// as well as behind their store's. A model's deletion names its own key:
// it waits behind the earlier changes that name the model (its terms and
// cars withdrawn, at every store), so a channel never holds them for a
// model it no longer has. "" for the others.
func (c *RentalChange) After() string {
	switch {
	case c.Item == RentalItemStoreModel && c.StoreModel != nil:
		return RentalModelKey(c.StoreModel.ModelCode)
	case c.Item == RentalItemVehicle && c.Vehicle != nil:
		return RentalModelKey(c.Vehicle.ModelCode)
	case c.Item == RentalItemModel && c.Model != nil && c.Deleted:
		return RentalModelKey(c.Model.Code)
	}
	return ""
}

var rentalCodeRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
var hhmmRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// ValidRentalCode reports whether s may be a store or model code.
func ValidRentalCode(s string) bool { return rentalCodeRE.MatchString(s) }

// Validate checks a store's fields.
func (s *RentalStore) Validate() error {
	switch {
	case !rentalCodeRE.MatchString(s.Code):
		return Invalid("code", "must be 1-64 letters, digits, '_', '.' or '-'").Because(ReasonFormat)
	case s.CompanyCode != "" && !rentalCodeRE.MatchString(s.CompanyCode):
		return Invalid("company_code", "must be 1-64 letters, digits, '_', '.' or '-'").Because(ReasonFormat)
	case s.Kind != RentalStoreKind && s.Kind != RentalPickupKind:
		return Invalid("kind", "must be %q or %q", RentalStoreKind, RentalPickupKind).Because(ReasonUnknown)
	// A name or address of blanks names nothing, like an empty one.
	case strings.TrimSpace(s.Name) == "" || len(s.Name) > 200:
		return Invalid("name", "must be 1-200 bytes, not only blanks").Because(ReasonLength, "1", "200")
	case strings.TrimSpace(s.Address) == "" || len(s.Address) > 500:
		return Invalid("address", "must be 1-500 bytes, not only blanks").Because(ReasonLength, "1", "500")
	case s.Latitude < -90 || s.Latitude > 90:
		return Invalid("latitude", "must be between -90 and 90").Because(ReasonRange, "-90", "90")
	case s.Longitude < -180 || s.Longitude > 180:
		return Invalid("longitude", "must be between -180 and 180").Because(ReasonRange, "-180", "180")
	case s.Latitude == 0 && s.Longitude == 0:
		// Left out, both read 0: the channels would show the store in the
		// Gulf of Guinea.
		return Invalid("latitude", "and longitude are required: 0,0 is no store's place, and the channels show the store where they say").Because(ReasonRequired)
	case !rentalCodeRE.MatchString(s.City) || len(s.City) > 32:
		// As a rule's banned cities: the channels take the code (330100),
		// not a name.
		return Invalid("city", "must be the city's code (e.g. 330100), 1-32 letters, digits, '_', '.' or '-'").Because(ReasonFormat)
	case !hhmmRE.MatchString(s.Opens):
		return Invalid("opens", "must be a time of day HH:MM").Because(ReasonFormat)
	case !hhmmRE.MatchString(s.Closes):
		return Invalid("closes", "must be a time of day HH:MM").Because(ReasonFormat)
	case !lotCodeRE.MatchString(s.LotCode):
		return Invalid("lot_code", "must name the parkd lot the store sits in").Because(ReasonFormat)
	}
	return CheckTexts("name", s.Name, "address", s.Address, "city", s.City)
}

// Fuels and transmissions of a vehicle model.
var (
	rentalFuels         = map[string]bool{"petrol": true, "diesel": true, "electric": true, "hybrid": true}
	rentalTransmissions = map[string]bool{"manual": true, "automatic": true}
)

// Validate checks a vehicle model's fields.
func (m *VehicleModel) Validate() error {
	switch {
	case !rentalCodeRE.MatchString(m.Code):
		return Invalid("code", "must be 1-64 letters, digits, '_', '.' or '-'").Because(ReasonFormat)
	case strings.TrimSpace(m.Name) == "" || len(m.Name) > 200:
		return Invalid("name", "must be 1-200 bytes, not only blanks").Because(ReasonLength, "1", "200")
	case m.Seats < 1 || m.Seats > 60:
		return Invalid("seats", "must be between 1 and 60").Because(ReasonRange, "1", "60")
	case !rentalFuels[m.Fuel]:
		return Invalid("fuel", "must be petrol, diesel, electric or hybrid").Because(ReasonUnknown)
	case !rentalTransmissions[m.Transmission]:
		return Invalid("transmission", "must be manual or automatic").Because(ReasonUnknown)
	case m.StandardID != "" && !rentalCodeRE.MatchString(m.StandardID):
		return Invalid("standard_id", "must be 1-64 letters, digits, '_', '.' or '-'").Because(ReasonFormat)
	}
	return CheckText("name", m.Name)
}

// MaxRentalAmount bounds a deposit or fee (minor units): a million in
// major units.
const MaxRentalAmount = 100_000_000

// Validate checks a store's terms for a model.
func (t *StoreModel) Validate() error {
	switch {
	case !rentalCodeRE.MatchString(t.StoreCode):
		return Invalid("store_code", "must be 1-64 letters, digits, '_', '.' or '-'").Because(ReasonFormat)
	case !rentalCodeRE.MatchString(t.ModelCode):
		return Invalid("model_code", "must be 1-64 letters, digits, '_', '.' or '-'").Because(ReasonFormat)
	case !t.MileageLimited && (t.MileageLimit != 0 || t.OverMileageFee != 0):
		return Invalid("mileage_limit_km", "a mileage limit or over-mileage fee needs mileage_limited true").Because(ReasonNeeds, "mileage_limited")
	case t.MileageLimited && (t.MileageLimit < 1 || t.MileageLimit > 10_000):
		return Invalid("mileage_limit_km", "must be between 1 and 10000 km per day when mileage_limited").Because(ReasonRange, "1", "10000")
	case t.OverMileageFee < 0 || t.OverMileageFee > MaxRentalAmount:
		return Invalid("over_mileage_fee", "must be between 0 and %d minor units per km", MaxRentalAmount).Because(ReasonRange, "0", strconv.Itoa(MaxRentalAmount))
	case t.OverMileageFee%MajorUnit(RentalCurrency) != 0:
		return Invalid("over_mileage_fee", "must be a whole number of %s per km, a multiple of %d minor units (%d is not): the sales channels take no fraction of it",
			RentalCurrency, MajorUnit(RentalCurrency), t.OverMileageFee)
	case t.ViolationDeposit < 0 || t.ViolationDeposit > MaxRentalAmount:
		return Invalid("violation_deposit", "must be between 0 and %d minor units", MaxRentalAmount).Because(ReasonRange, "0", strconv.Itoa(MaxRentalAmount))
	case t.DamageDeposit < 0 || t.DamageDeposit > MaxRentalAmount:
		return Invalid("damage_deposit", "must be between 0 and %d minor units", MaxRentalAmount).Because(ReasonRange, "0", strconv.Itoa(MaxRentalAmount))
	case t.DailyRate < 0 || t.DailyRate > MaxRentalAmount:
		return Invalid("daily_rate", "must be between 0 and %d minor units", MaxRentalAmount).Because(ReasonRange, "0", strconv.Itoa(MaxRentalAmount))
	}
	return nil
}

var vinRE = regexp.MustCompile(`^[A-HJ-NPR-Z0-9]{17}$`)

// Validate checks a vehicle's fields (the plate is normalised by the
// caller, which fills PlateKey).
func (v *RentalVehicle) Validate() error {
	switch {
	case v.PlateKey == "":
		return Invalid("plate", "is required").Because(ReasonRequired)
	case !vinRE.MatchString(v.VIN):
		return Invalid("vin", "must be 17 characters, capital letters (not I, O or Q) and digits").Because(ReasonFormat)
	case !rentalCodeRE.MatchString(v.StoreCode):
		return Invalid("store_code", "must name a store").Because(ReasonFormat)
	case !rentalCodeRE.MatchString(v.ModelCode):
		return Invalid("model_code", "must name a vehicle model").Because(ReasonFormat)
	case v.Mileage < 0 || v.Mileage > 5_000_000:
		return Invalid("mileage_km", "must be between 0 and 5000000").Because(ReasonRange, "0", "5000000")
	}
	return nil
}

// RentalSignMethods are the signatures a channel's calls may carry.
var RentalSignMethods = []string{"md5", "hmac", "hmac-sha256"}

// Validate checks a channel's fields.
func (c *RentalChannel) Validate() error {
	okSign := false
	for _, m := range RentalSignMethods {
		okSign = okSign || c.SignMethod == m
	}
	switch {
	case !partnerIDRE.MatchString(c.ID) || len(c.ID) > 57:
		return Invalid("app_key", "must be 1-57 letters, digits, '_' or '-'").Because(ReasonFormat)
	case c.Name == "" || len(c.Name) > 200:
		return Invalid("name", "must be 1-200 bytes").Because(ReasonLength, "1", "200")
	case c.Secret == "" || len(c.Secret) > 256 || !ValidText(c.Secret):
		return Invalid("secret", "must be 1-256 bytes").Because(ReasonLength, "1", "256")
	case !okSign:
		return Invalid("sign_method", "must be md5, hmac or hmac-sha256").Because(ReasonUnknown)
	case len(c.Stores) == 0:
		return Invalid("stores", "must name at least one store the channel sells").Because(ReasonRequired)
	case len(c.Stores) > 10_000:
		return Invalid("stores", "must name at most 10000 stores").Because(ReasonRange, "1", "10000")
	case c.RateLimit < 0 || c.RateLimit > MaxRateLimit:
		return Invalid("rate_limit", "must be between 1 and %d calls per second (0: %d)", MaxRateLimit, DefaultRateLimit).Because(ReasonRange, "0", strconv.Itoa(MaxRateLimit))
	}
	seen := map[string]bool{}
	for _, s := range c.Stores {
		if !rentalCodeRE.MatchString(s) {
			return Invalid("stores", "%q is not a store code", s).Because(ReasonFormat)
		}
		if seen[s] {
			return Invalid("stores", "%q is listed twice", s).Because(ReasonDuplicate)
		}
		seen[s] = true
	}
	return CheckText("name", c.Name)
}

// RentalTx is the part of Tx for the rental catalogue. Save* inserts a
// row whose Version is 0 (EConflict: it exists) and otherwise updates it
// when its version is still Version (ENotFound; EConflict, stale), then
// bumps Version. Get* returns ENotFound.
type RentalTx interface {
	// SaveRentalStore: ENotFound also when its lot does not exist.
	SaveRentalStore(ctx context.Context, s *RentalStore) error
	GetRentalStore(ctx context.Context, code string) (*RentalStore, error)
	// ListRentalStores returns the stores by code.
	ListRentalStores(ctx context.Context) ([]*RentalStore, error)

	SaveVehicleModel(ctx context.Context, m *VehicleModel) error
	GetVehicleModel(ctx context.Context, code string) (*VehicleModel, error)
	ListVehicleModels(ctx context.Context) ([]*VehicleModel, error)

	// SaveStoreModel: ENotFound also when the store or model does not exist.
	SaveStoreModel(ctx context.Context, t *StoreModel) error
	GetStoreModel(ctx context.Context, store, model string) (*StoreModel, error)
	// ListStoreModels returns a store's terms by model ("": every store's,
	// by store then model).
	ListStoreModels(ctx context.Context, store string) ([]*StoreModel, error)

	// SaveRentalVehicle: EConflict also for a VIN another vehicle has;
	// ENotFound when the store or model does not exist.
	SaveRentalVehicle(ctx context.Context, v *RentalVehicle) error
	GetRentalVehicle(ctx context.Context, plateKey string) (*RentalVehicle, error)
	// ListRentalVehicles returns a store's vehicles by plate ("": all).
	ListRentalVehicles(ctx context.Context, store string) ([]*RentalVehicle, error)

	// SaveRentalChannel also replaces the stores it sells (ENotFound: one
	// of them does not exist).
	SaveRentalChannel(ctx context.Context, c *RentalChannel) error
	GetRentalChannel(ctx context.Context, id string) (*RentalChannel, error)
	ListRentalChannels(ctx context.Context) ([]*RentalChannel, error)
	// SetChannelPartner replaces the name, secret, sign mode and lots of
	// a channel's partner (ENotFound).
	SetChannelPartner(ctx context.Context, p *Partner) error
	// ChannelsSelling returns the ids of the channels that sell a store.
	ChannelsSelling(ctx context.Context, store string) ([]string, error)

	// EnqueueTo stores r (Seq is set) and a pending delivery of it, due
	// at r.Due(), for each of the named subscriptions that exists; it
	// returns how many deliveries it made (EConflict: r.ID exists).
	EnqueueTo(ctx context.Context, r *Report, subscriptions []string) (int, error)
}
