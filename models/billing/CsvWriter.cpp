#include "billing/CsvWriter.h"

#include <charconv>

namespace PoolDesk {

namespace {
constexpr qsizetype FlushBytes = 1 << 20;
}

CsvWriter::CsvWriter(QIODevice &device, Options options)
    : m_device(device) {
    m_buffer.reserve(FlushBytes + 4096);
    if (options.byteOrderMark)
        m_buffer.append("\xEF\xBB\xBF");
}

QString CsvWriter::neutralise(const QString &text) {
    if (text.isEmpty())
        return text;
    const QChar first = text.front();
    if (first == QLatin1Char('=') || first == QLatin1Char('+') || first == QLatin1Char('-') ||
        first == QLatin1Char('@') || first == QLatin1Char('\t') || first == QLatin1Char('\r'))
        return QLatin1Char('\'') + text;
    return text;
}

QString CsvWriter::encodeText(const QString &text) {
    const QString safe = neutralise(text);
    bool needsQuotes = false;
    for (const QChar c : safe) {
        if (c == QLatin1Char(',') || c == QLatin1Char('"') || c == QLatin1Char('\r') ||
            c == QLatin1Char('\n')) {
            needsQuotes = true;
            break;
        }
    }
    if (!needsQuotes)
        return safe;
    QString quoted = safe;
    quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

void CsvWriter::addTextUtf8(QByteArrayView utf8) {
    separate();
    if (utf8.isEmpty())
        return;
    // The characters that matter are ASCII, and UTF-8 never uses ASCII bytes inside a multi-byte
    // character: testing bytes gives the same answer as neutralise()/encodeText() on the text.
    const char first = utf8.front();
    const bool formula =
        first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
    bool needsQuotes = false;
    for (const char c : utf8) {
        if (c == ',' || c == '"' || c == '\r' || c == '\n') {
            needsQuotes = true;
            break;
        }
    }
    if (!needsQuotes) {
        if (formula)
            m_buffer.append('\'');
        m_buffer.append(utf8.data(), utf8.size());
        return;
    }
    m_buffer.append('"');
    if (formula)
        m_buffer.append('\'');
    qsizetype start = 0;
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        if (utf8[i] == '"') {
            m_buffer.append(utf8.data() + start, i + 1 - start);
            m_buffer.append('"');
            start = i + 1;
        }
    }
    m_buffer.append(utf8.data() + start, utf8.size() - start);
    m_buffer.append('"');
}

void CsvWriter::addRawUtf8(QByteArrayView utf8) {
    separate();
    m_buffer.append(utf8.data(), utf8.size());
}

void CsvWriter::addText(const QString &text) {
    addTextUtf8(text.toUtf8());
}

void CsvWriter::addNumber(const QString &number) {
    addRawUtf8(number.toUtf8());
}

void CsvWriter::addNumber(qint64 number) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
    addRawUtf8(QByteArrayView(digits, end - digits));
}

bool CsvWriter::endRow() {
    m_buffer.append("\r\n");
    m_firstField = true;
    ++m_rows;
    if (m_buffer.size() >= FlushBytes)
        return flush();
    return !m_failed;
}

bool CsvWriter::writeRow(const QStringList &textCells) {
    for (const QString &cell : textCells)
        addText(cell);
    return endRow();
}

bool CsvWriter::flush() {
    if (m_failed)
        return false;
    if (!m_buffer.isEmpty()) {
        if (m_device.write(m_buffer) != m_buffer.size())
            m_failed = true;
        m_buffer.clear();
    }
    return !m_failed;
}

} // namespace PoolDesk
