#pragma once

#include "domain/Money.h"

#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

namespace PoolDesk::NumberCsv {

// Limits that keep any input, however large or hostile, bounded in time and memory. A real
// import is a few thousand rows; a million is a whole national pool.
inline constexpr qsizetype MaxBytes = 128 * 1024 * 1024;
inline constexpr int MaxRows = 1'000'000;
inline constexpr qsizetype MaxFieldBytes = 1024;
inline constexpr int MaxFields = 64;
// Errors beyond this are counted, not kept: a wrong file must not cost a million messages.
inline constexpr int MaxListedErrors = 1000;
// No Twilio number rents for more than this a month; a larger figure is a typo (cents as dollars).
inline constexpr Micros MaxMonthlyPrice = 1000 * MicrosPerDollar;

// One valid row of the file, ready for Numbers::add.
struct NumberRow {
    int line = 0;                       // 1-based line in the file where the record starts
    QString e164;                       // normalised by PhoneNumber::normalize
    QString environment;                // the file's, or the default given to parse()
    QString company;                    // the company it is dedicated to; empty: shared
    QString twilioSid;                  // PN + 32 hex, or empty
    std::optional<Micros> monthlyPrice; // empty: the tariff's default
};

struct RowError {
    int line = 0; // 1-based; 0 when the problem is the whole file (too large, not CSV)
    QString message;
};

struct ParsedImport {
    QList<NumberRow> rows;  // the valid rows only
    QList<RowError> errors; // at most MaxListedErrors, in line order
    int errorCount = 0;     // every error, listed or not
    bool ok() const { return errorCount == 0; }
    // Adds an error, keeping only the first MaxListedErrors.
    void addError(int line, const QString &message);
};

// Reads a number import file: RFC 4180 CSV in UTF-8 (with or without a byte-order mark; CRLF, LF
// or CR line ends; quoted fields may hold commas, quotes and line breaks). The first non-empty
// record is the header; columns are found by name, in any order, ignoring case, spaces, '_' and
// '-': "number" (required), "environment", "dedicated company", "sid", "monthly price". Empty
// records and trailing empty fields are ignored.
//
// Checks everything the file alone can tell: the number (E.164, as Numbers::add), the environment
// name's form, the SID, the price, and duplicates inside the file. What the database knows
// (environments, companies, numbers already in the pool) is NumberImport's job.
//
// A pure function of its input, safe on any bytes (the fuzz target calls it).
ParsedImport parse(QByteArrayView csv, const QString &defaultEnvironment);

} // namespace PoolDesk::NumberCsv
