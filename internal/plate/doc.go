// Package plate normalises and validates licence plates, the one identity
// every entry point (cameras, partners, the native API) agrees on.
//
// Normalize turns what a camera or partner sent into a Plate or a clear
// *Error; it never returns a plate that is not valid. Folding comes first:
// ASCII and full-width letters are upper-cased, full-width forms
// (U+FF01..U+FF5E, U+3000) become ASCII, and spaces, dots, dashes and
// middle dots (ASCII or not) are dropped. Then exactly these forms are
// accepted:
//
//   - KindCN: province character, issuing-authority letter A–Z, five
//     characters from the digits and the letters without I and O; the last
//     may instead be 学 (driving school), 挂 (trailer), 警 (police),
//     港 / 澳 (Hong Kong / Macau) or 领 (consulate). Example 京A12345.
//     The authority letter may be any of A–Z: the I/O rule is for the
//     serial. The province does not constrain the suffix (粤Z…港 is not
//     enforced): a lot must not turn away a real car over a rule we might
//     have wrong.
//   - KindCNNewEnergy: province, letter, six characters: D or F then a
//     digit or letter then four digits (small, 京AD12345), or five digits
//     then D or F (large, 粤B12345D; Plate.Large is set). Only D and F
//     mark new energy; if other marker letters are issued, isEnergy is
//     the one place to add them.
//   - KindCNEmbassy: 使 and six digits (three for the mission, three for
//     the car), e.g. 使014578. Consulate plates are ordinary plates ending
//     in 领.
//   - KindCNArmedPolice: WJ, a province character and five characters from
//     the ordinary alphabet, e.g. WJ京12345 or WJ京1234X (the 2012 form; the
//     letter is the service code). The province is required so that WJ
//     plates can never be mistaken for a Brazilian plate such as WJA1234.
//   - KindBROld (ABC1234) and KindBRMercosul (ABC1D23). One car may be read
//     in either form, so Key is always the Mercosul form: the fifth
//     character's digit 0–9 becomes the letter A–J.
//   - KindNoPlate: a temporary identity from NewTemporary, 临 and seven
//     characters of Crockford's base 32 (no I, L, O, U). 临 is not a
//     province, so it cannot collide with a Chinese plate, and it is not
//     ASCII, so it cannot collide with a Brazilian one.
//
// Everything else is rejected, including military (PLA) plates, older
// WJ forms without a province, Hong Kong / Macau local plates and
// phrases such as 无牌车 (see IsNoPlate: such a car needs NewTemporary).
package plate
