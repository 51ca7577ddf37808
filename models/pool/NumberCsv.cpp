#include "pool/NumberCsv.h"

#include "domain/Types.h"
#include "pool/NumberInput.h"

#include <QCoreApplication>
#include <QHash>
#include <QStringDecoder>

#include <array>

namespace PoolDesk::NumberCsv {

namespace {

// One CSV record as read, before any meaning is given to its fields.
struct Record {
    enum class Problem { None, Unterminated, TextAfterQuote, FieldTooLong, TooManyFields };
    int line = 0; // where the record starts
    QList<QByteArray> fields;
    int fieldCount = 0; // may exceed fields.size() when over MaxFields
    Problem problem = Problem::None;

    bool isBlank() const {
        if (problem != Problem::None || fieldCount > fields.size())
            return false;
        for (const QByteArray &field : fields) {
            if (!field.trimmed().isEmpty())
                return false;
        }
        return true;
    }
};

// RFC 4180, read leniently where the RFC is strict for no one's benefit (LF or CR alone end a
// record, a quote inside an unquoted field is kept as text) and strictly where leniency would
// guess (text after a closing quote, a quote never closed).
class Reader final {
public:
    explicit Reader(QByteArrayView data)
        : m_data(data) {}

    bool next(Record &record) {
        if (m_pos >= m_data.size())
            return false;
        record.line = m_line;
        record.fields.clear();
        record.fieldCount = 0;
        record.problem = Record::Problem::None;
        for (;;) {
            QByteArray field = m_data[m_pos] == '"' ? quotedField(record) : unquotedField(record);
            ++record.fieldCount;
            if (record.fieldCount > MaxFields)
                setProblem(record, Record::Problem::TooManyFields);
            else
                record.fields.append(std::move(field));
            if (m_pos >= m_data.size())
                return true;
            const char c = m_data[m_pos++];
            if (c == ',') {
                if (m_pos >= m_data.size()) { // "a,b," at the very end: one more, empty field
                    ++record.fieldCount;
                    if (record.fieldCount <= MaxFields)
                        record.fields.append(QByteArray());
                    return true;
                }
                continue;
            }
            // A line end: CRLF, LF or CR.
            if (c == '\r' && m_pos < m_data.size() && m_data[m_pos] == '\n')
                ++m_pos;
            ++m_line;
            return true;
        }
    }

private:
    static bool endsField(char c) { return c == ',' || c == '\r' || c == '\n'; }

    static void setProblem(Record &record, Record::Problem problem) {
        if (record.problem == Record::Problem::None)
            record.problem = problem;
    }

    QByteArray unquotedField(Record &record) {
        const qsizetype start = m_pos;
        while (m_pos < m_data.size() && !endsField(m_data[m_pos]))
            ++m_pos;
        if (m_pos - start > MaxFieldBytes) {
            setProblem(record, Record::Problem::FieldTooLong);
            return {};
        }
        return m_data.sliced(start, m_pos - start).toByteArray();
    }

    // From the opening quote to just after the closing one; line breaks inside count as lines.
    QByteArray quotedField(Record &record) {
        QByteArray field;
        ++m_pos;
        bool closed = false;
        while (m_pos < m_data.size()) {
            const char c = m_data[m_pos++];
            if (c == '"') {
                if (m_pos < m_data.size() && m_data[m_pos] == '"') {
                    ++m_pos;
                } else {
                    closed = true;
                    break;
                }
            } else if (c == '\n' || (c == '\r' && (m_pos >= m_data.size() || m_data[m_pos] != '\n'))) {
                ++m_line; // LF, or a CR alone; a CR before LF is counted with the LF
            }
            // Past the limit the field is only skipped: its size must not follow the input's.
            if (field.size() < MaxFieldBytes + 1)
                field.append(c);
        }
        if (!closed) {
            setProblem(record, Record::Problem::Unterminated);
            return {};
        }
        if (field.size() > MaxFieldBytes) {
            setProblem(record, Record::Problem::FieldTooLong);
            field.clear();
        }
        if (m_pos < m_data.size() && !endsField(m_data[m_pos])) {
            setProblem(record, Record::Problem::TextAfterQuote);
            while (m_pos < m_data.size() && !endsField(m_data[m_pos]))
                ++m_pos;
        }
        return field;
    }

    QByteArrayView m_data;
    qsizetype m_pos = 0;
    int m_line = 1;
};

QString problemText(Record::Problem problem) {
    switch (problem) {
    case Record::Problem::Unterminated:
        return QCoreApplication::translate(
            "NumberCsv", "A quoted field that starts on this line is never closed (a \" is missing).");
    case Record::Problem::TextAfterQuote:
        return QCoreApplication::translate(
            "NumberCsv", "Text follows a closing quote. Inside quotes, write a quote as \"\".");
    case Record::Problem::FieldTooLong: {
        // Plain variables: lupdate 6.4 reads only a simple name as the count.
        const int limit = int(MaxFieldBytes);
        return QCoreApplication::translate("NumberCsv", "A field is longer than %n byte(s).", nullptr, limit);
    }
    case Record::Problem::TooManyFields: {
        const int limit = MaxFields;
        return QCoreApplication::translate("NumberCsv", "The row has more than %n field(s).", nullptr, limit);
    }
    case Record::Problem::None:
        break;
    }
    return {};
}

// UTF-8 to text, trimmed; nullopt when the bytes are not UTF-8.
std::optional<QString> decoded(const QByteArray &bytes) {
    bool ascii = true;
    for (const char c : bytes) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            ascii = false;
            break;
        }
    }
    if (ascii)
        return QString::fromLatin1(bytes).trimmed();
    // Stateless, and a byte-order mark inside a field stays a character: only the file's own
    // first one is dropped (by parse()).
    QStringDecoder decoder(QStringDecoder::Utf8,
                           QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom);
    QString text = decoder(bytes);
    if (decoder.hasError())
        return std::nullopt;
    return text.trimmed();
}

enum Column { Number, Environment, Company, Sid, Price, ColumnCount };

// Header names compared without case, spaces, '_' or '-': "Monthly Price", "monthly_price".
QString columnKey(const QString &name) {
    QString key;
    for (const QChar c : name) {
        if (c != QLatin1Char(' ') && c != QLatin1Char('_') && c != QLatin1Char('-'))
            key += c.toLower();
    }
    return key;
}

std::optional<Column> columnFromName(const QString &name) {
    static const std::array<QString, ColumnCount> keys = {
        QStringLiteral("number"), QStringLiteral("environment"), QStringLiteral("dedicatedcompany"),
        QStringLiteral("sid"), QStringLiteral("monthlyprice")};
    const QString key = columnKey(name);
    for (int i = 0; i < ColumnCount; ++i) {
        if (keys[i] == key)
            return Column(i);
    }
    return std::nullopt;
}

const QString &columnList() {
    static const QString names = QStringLiteral("number, environment, dedicated company, sid, monthly price");
    return names;
}

struct Header {
    QList<std::optional<Column>> columns; // per field; nullopt: a column without a name (ignored)
    std::array<int, ColumnCount> index{-1, -1, -1, -1, -1};
};

// Reads the header; false (with its errors added) when the file cannot be read with it.
bool readHeader(const Record &record, Header &header, ParsedImport &result) {
    bool good = true;
    for (qsizetype i = 0; i < record.fields.size(); ++i) {
        const auto name = decoded(record.fields[i]);
        if (!name) {
            result.addError(record.line,
                            QCoreApplication::translate("NumberCsv", "The header is not UTF-8 text."));
            return false;
        }
        if (name->isEmpty()) {
            header.columns.append(std::nullopt);
            continue;
        }
        const auto column = columnFromName(*name);
        if (!column) {
            result.addError(record.line,
                            QCoreApplication::translate(
                                "NumberCsv", "The first row must name the columns: \"%1\" is not one of %2.")
                                .arg(*name, columnList()));
            good = false;
        } else if (header.index[*column] >= 0) {
            result.addError(record.line, QCoreApplication::translate(
                                             "NumberCsv", "The column \"%1\" appears twice in the header.")
                                             .arg(*name));
            good = false;
        } else {
            header.index[*column] = int(i);
        }
        header.columns.append(column);
    }
    if (good && header.index[Number] < 0) {
        result.addError(record.line,
                        QCoreApplication::translate(
                            "NumberCsv", "The header has no \"number\" column (the columns are %1).")
                            .arg(columnList()));
        good = false;
    }
    return good;
}

} // namespace

void ParsedImport::addError(int line, const QString &message) {
    ++errorCount;
    if (errors.size() < MaxListedErrors)
        errors.append({line, message});
}

ParsedImport parse(QByteArrayView csv, const QString &defaultEnvironment) {
    ParsedImport result;
    if (csv.size() > MaxBytes) {
        const int megabytes = int(MaxBytes / (1024 * 1024));
        result.addError(0, QCoreApplication::translate(
                               "NumberCsv", "The file is larger than %n MB: split it into several imports.",
                               nullptr, megabytes));
        return result;
    }
    if (csv.startsWith("\xEF\xBB\xBF"))
        csv = csv.sliced(3);

    Reader reader(csv);
    Record record;
    std::optional<Header> header;
    QHash<QString, int> firstLine; // environment + ' ' + number -> the line it first appears on
    int rowCount = 0;
    while (reader.next(record)) {
        if (record.isBlank())
            continue;
        if (record.problem != Record::Problem::None) {
            result.addError(record.line, problemText(record.problem));
            if (!header)
                return result; // without a header no row can be read
            ++rowCount;
            continue;
        }
        if (!header) {
            header.emplace();
            if (!readHeader(record, *header, result))
                return result;
            continue;
        }
        if (++rowCount > MaxRows) {
            const int maxRows = MaxRows;
            result.addError(record.line,
                            QCoreApplication::translate(
                                "NumberCsv",
                                "The file has more than %n row(s): split it into several imports.", nullptr,
                                maxRows));
            return result;
        }

        const auto errorsBefore = result.errorCount;
        const auto headerSize = header->columns.size();
        bool extraValues = false;
        for (qsizetype i = headerSize; i < record.fields.size(); ++i)
            extraValues = extraValues || !record.fields[i].trimmed().isEmpty();
        if (record.fields.size() < headerSize || extraValues) {
            const int fieldCount = record.fieldCount;
            result.addError(record.line, QCoreApplication::translate(
                                             "NumberCsv", "The row has %n field(s) but the header has %1.",
                                             nullptr, fieldCount)
                                             .arg(headerSize));
            continue;
        }
        std::array<QString, ColumnCount> cells;
        bool utf8 = true;
        for (qsizetype i = 0; i < headerSize; ++i) {
            const auto text = decoded(record.fields[i]);
            if (!text) {
                utf8 = false;
                break;
            }
            if (header->columns[i])
                cells[*header->columns[i]] = *text;
            else if (!text->isEmpty())
                result.addError(record.line,
                                QCoreApplication::translate(
                                    "NumberCsv", "Field %1 has a value but its column has no name in the "
                                                 "header.")
                                    .arg(i + 1));
        }
        if (!utf8) {
            result.addError(record.line,
                            QCoreApplication::translate(
                                "NumberCsv", "The row is not UTF-8 text. Save the file as CSV UTF-8."));
            continue;
        }

        NumberRow row;
        row.line = record.line;
        if (cells[Number].isEmpty()) {
            result.addError(record.line, QCoreApplication::translate("NumberCsv", "The number is missing."));
        } else if (const auto e164 = NumberInput::e164(cells[Number])) {
            row.e164 = e164.value();
        } else {
            result.addError(record.line, e164.error().message);
        }
        row.environment = cells[Environment].isEmpty() ? defaultEnvironment : cells[Environment];
        if (const auto checked = NumberInput::environment(row.environment); !checked)
            result.addError(record.line, checked.error().message);
        row.company = cells[Company];
        row.twilioSid = cells[Sid];
        if (const auto checked = NumberInput::twilioSid(row.twilioSid); !checked)
            result.addError(record.line, checked.error().message);
        if (!cells[Price].isEmpty()) {
            const auto price = Money::parseUsd(cells[Price]);
            if (!price)
                result.addError(record.line,
                                QCoreApplication::translate(
                                    "NumberCsv", "\"%1\" is not an amount in US dollars such as 1.15.")
                                    .arg(cells[Price]));
            else if (*price < 0 || *price > MaxMonthlyPrice)
                result.addError(record.line,
                                QCoreApplication::translate(
                                    "NumberCsv", "The monthly price %1 is not between 0 and %2 US dollars.")
                                    .arg(cells[Price])
                                    .arg(MaxMonthlyPrice / MicrosPerDollar));
            else
                row.monthlyPrice = *price;
        }
        if (!row.e164.isEmpty()) {
            const QString key = row.environment + QLatin1Char(' ') + row.e164;
            const auto seen = firstLine.constFind(key);
            if (seen != firstLine.constEnd())
                result.addError(record.line, QCoreApplication::translate(
                                                 "NumberCsv", "%1 is already on line %2 of this file.")
                                                 .arg(row.e164)
                                                 .arg(*seen));
            else
                firstLine.insert(key, record.line);
        }
        if (result.errorCount == errorsBefore)
            result.rows.append(std::move(row));
    }
    if (!header)
        result.addError(
            0, QCoreApplication::translate(
                   "NumberCsv", "The file is empty: it needs a header row (%1) and a row per number.")
                   .arg(columnList()));
    else if (rowCount == 0)
        result.addError(0, QCoreApplication::translate("NumberCsv", "The file has a header but no numbers."));
    return result;
}

} // namespace PoolDesk::NumberCsv
