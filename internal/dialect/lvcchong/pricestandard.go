package lvcchong

// PriceStandard is one charging price standard as the vendor writes it: an
// element of getPriceStandard's data.list. Field names and JSON keys are
// the vendor's (sorted, as the vendor sends them, so a document re-encodes
// byte for byte); money is in fen, and the fields ending in Yuan are
// display copies.
type PriceStandard struct {
	ChargeType           int            `json:"chargeType"`           // 0 balance with a minimum (limitMoney), 1 prepaid
	CreateUserID         int64          `json:"createUserId"`         // informational
	DeviceAssociateCount int            `json:"deviceAssociateCount"` // devices using the standard; informational
	DeviceFamily         int            `json:"deviceFamily"`         // 0 two-wheeler, 1 new-energy car
	DeviceType           string         `json:"deviceType"`           // supported device types; informational (the seed sends "null")
	FullBlackout         int            `json:"fullBlackout"`         // 0 off, 1 power off when full, 2 power off when full and "pay fullPrice to charge full"
	FullPrice            int64          `json:"fullPrice"`            // fen
	FullPriceYuan        int64          `json:"fullPriceYuan"`        // display copy of fullPrice
	ID                   int64          `json:"id"`
	LimitMoney           int64          `json:"limitMoney"`    // fen; minimum balance to start (chargeType 0)
	MaxTime              int            `json:"maxTime"`       // minutes; 0 = no limit
	MinimumCharge        int            `json:"minimumCharge"` // 1 = minimumMoney applies
	MinimumMoney         int64          `json:"minimumMoney"`  // fen
	Name                 string         `json:"name"`
	OwnerID              int64          `json:"ownerId"`         // WeChat official account id; informational
	PeakPlainValley      int            `json:"peakPlainValley"` // 1 = segments carry peak/flat/valley periods
	PowerType            int            `json:"powerType"`       // type 1: 0 average power, 1 maximum power
	Segments             []PriceSegment `json:"priceStandardTbody"`
	RealTimeCharge       int            `json:"realTimeCharge"` // 1 = bill actual use; 0 with chargeType 1: a prepaid package
	RefundType           int            `json:"refundType"`     // 0 refund to balance, 1 to the original payment
	Remark               string         `json:"remark"`
	Type                 int            `json:"type"`     // 0 time (自定义时间), 1 power segments (功率分段), 2 energy (电量计费)
	ViewType             int            `json:"viewType"` // how the device shows a start: 1 time, 2 money, 3 energy
}

// PriceSegment is one row of priceStandardTbody. The first nine fields are
// the vendor's; the rest are parkd extensions (omitted when unset, so a
// vendor document round-trips byte for byte) for what the vendor's public
// schema has no field for.
type PriceSegment struct {
	// EndTime and StartTime are times of day in the vendor's encoding (see
	// clock.go): -28800000 is 00:00 and 57599000 is 23:59:59, the inclusive
	// end that means midnight.
	EndTime         int64  `json:"endTime"`
	ID              int64  `json:"id"`
	Price           int64  `json:"price"` // fen per block (types 0, 1) or per kWh (type 2)
	PriceStandardID int64  `json:"priceStandardId"`
	PriceUnit       string `json:"priceUnit"` // display unit of priceYuan ("yuan")
	PriceYuan       int64  `json:"priceYuan"` // display copy of price
	StartTime       int64  `json:"startTime"`
	Time            int    `json:"time"`     // block length (types 0, 1)
	TimeUnit        string `json:"timeUnit"` // "min" (or "" meaning min) or "hour"

	// MinPower and MaxPower (parkd extension, type 1 only) bound the
	// measured power in watts this segment applies to: MinPower <= P <
	// MaxPower. Nil MinPower means 0; nil MaxPower means no upper bound.
	MinPower *int64 `json:"minPower,omitempty"`
	MaxPower *int64 `json:"maxPower,omitempty"`

	// ElectricPrice and ElectricServiceFee (parkd extension, type 2 only)
	// split the per-kWh price into an electricity fee and a service fee, in
	// fen per kWh, as the vendor's order records report them. When either
	// is set, price must be 0 or their sum.
	ElectricPrice      *int64 `json:"electricPrice,omitempty"`
	ElectricServiceFee *int64 `json:"electricServiceFee,omitempty"`

	// Period (parkd extension, required when peakPlainValley is 1) names the
	// tariff period: "peak", "flat" or "valley". It labels the lines.
	Period string `json:"period,omitempty"`
}

// Standard types (PriceStandard.Type).
const (
	typeTime   = 0
	typePower  = 1
	typeEnergy = 2
)

// Periods (PriceSegment.Period).
const (
	periodPeak   = "peak"
	periodFlat   = "flat"
	periodValley = "valley"
)

// Error is a rejected price standard. Field names the offending field the
// way the vendor's document spells it, e.g. "priceStandardTbody[2].startTime";
// Msg says what was wrong in Chinese, the vendor's language.
type Error struct {
	Field string
	Msg   string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return "消费标准：" + e.Msg
	}
	return "消费标准参数" + e.Field + "：" + e.Msg
}
