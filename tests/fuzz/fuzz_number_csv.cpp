// NumberCsv::parse, the reader of `pooldeskctl number import` and the console's import: every row it
// accepts must be one Numbers::add would accept, whatever the file holds.
#include "FuzzCheck.h"

#include "pool/NumberCsv.h"
#include "pool/NumberInput.h"

#include <QSet>
#include <QString>

#include <cstddef>
#include <cstdint>

using namespace PoolDesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QString defaultEnvironment = QStringLiteral("development");
    const NumberCsv::ParsedImport parsed = NumberCsv::parse(
        QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)), defaultEnvironment);
    FUZZ_CHECK(parsed.errors.size() <= NumberCsv::MaxListedErrors);
    FUZZ_CHECK(parsed.errorCount >= parsed.errors.size());
    FUZZ_CHECK(parsed.ok() == parsed.errors.isEmpty());
    FUZZ_CHECK(parsed.rows.size() <= NumberCsv::MaxRows);
    int lastErrorLine = 0;
    for (const NumberCsv::RowError &error : parsed.errors) {
        FUZZ_CHECK(error.line >= 0);
        FUZZ_CHECK(!error.message.isEmpty());
        // Rows are listed in the order of the file; the file's own problems (line 0) come last.
        if (error.line > 0) {
            FUZZ_CHECK(error.line >= lastErrorLine);
            lastErrorLine = error.line;
        }
    }
    QSet<QString> seen;
    int lastRowLine = 0;
    for (const NumberCsv::NumberRow &row : parsed.rows) {
        FUZZ_CHECK(row.line > lastRowLine);
        lastRowLine = row.line;
        const auto e164 = NumberInput::e164(row.e164);
        FUZZ_CHECK(e164 && e164.value() == row.e164);
        FUZZ_CHECK(NumberInput::environment(row.environment));
        FUZZ_CHECK(NumberInput::twilioSid(row.twilioSid));
        FUZZ_CHECK(!row.monthlyPrice ||
                   (*row.monthlyPrice >= 0 && *row.monthlyPrice <= NumberCsv::MaxMonthlyPrice));
        // No number twice in one environment's pool.
        const QString key = row.environment + QLatin1Char(' ') + row.e164;
        FUZZ_CHECK(!seen.contains(key));
        seen.insert(key);
    }
    return 0;
}
