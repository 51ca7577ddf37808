#include "billing/CsvWriter.h"

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

void CsvWriter::addRaw(const QString &field) {
    if (!m_firstField)
        m_buffer.append(',');
    m_firstField = false;
    m_buffer.append(field.toUtf8());
}

void CsvWriter::addText(const QString &text) {
    addRaw(encodeText(text));
}

void CsvWriter::addNumber(const QString &number) {
    addRaw(number);
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
