#include "costs/CompanyReportPdf.h"

#include "charts/ChartHelpers.h"
#include "common/Format.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCoreApplication>
#include <QDir>
#include <QLegend>
#include <QPageLayout>
#include <QPainter>
#include <QPdfWriter>
#include <QPieSeries>
#include <QTextDocument>
#include <QValueAxis>

namespace PoolDesk::Ui::CompanyReportPdf {

static double dollars(Micros micros) {
    return double(micros) / double(MicrosPerDollar);
}

// Renders a chart into the painter's rectangle in a light print palette.
static void renderChart(QChart *chart, QPainter &painter, const QRectF &target) {
    QChartView view(chart);
    view.setRenderHint(QPainter::Antialiasing);
    view.setPalette(QPalette(Qt::black, Qt::white));
    view.resize(int(target.width() / target.height() * 500), 500);
    chart->setBackgroundBrush(Qt::white);
    chart->setTitleBrush(Qt::black);
    chart->legend()->setLabelColor(Qt::black);
    const auto axes = chart->axes();
    for (QAbstractAxis *axis : axes) {
        axis->setLabelsColor(Qt::black);
        axis->setGridLineColor(QColor(220, 220, 220));
    }
    view.render(&painter, target, view.rect());
}

Status write(const QString &path, const CostReport &report, const CompanyCost &company,
             const QList<QPair<QString, Micros>> &history) {
    QPdfWriter writer(path);
    writer.setTitle(
        QCoreApplication::translate("CompanyReportPdf", "%1 — costs %2").arg(company.name, report.month));
    writer.setCreator(QStringLiteral("PoolDesk"));
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
    writer.setResolution(300);
    QPainter painter;
    if (!painter.begin(&writer))
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("CompanyReportPdf",
                                                     "Cannot write %1: choose another folder or file name.")
                             .arg(QDir::toNativeSeparators(path)));
    const QRectF page = writer.pageLayout().paintRectPixels(writer.resolution());
    const QRectF area(0, 0, page.width(), page.height());

    const QDate month = QDate::fromString(report.month + QStringLiteral("-01"), QStringLiteral("yyyy-MM-dd"));
    auto row = [](const QString &label, const QString &value, bool strong = false) {
        return QStringLiteral("<tr><td>%1</td><td align=\"right\">%2</td></tr>")
            .arg(label.toHtmlEscaped(),
                 strong ? QStringLiteral("<b>%1</b>").arg(value.toHtmlEscaped()) : value.toHtmlEscaped());
    };
    // Whether finance closed the month: an invoice's basis says so, with the stored report's hash.
    const QString state =
        report.closing
            ? QCoreApplication::translate("CompanyReportPdf", "Closed on %1 by %2 · SHA-256 %3")
                  .arg(Format::dateTime(QDateTime::fromSecsSinceEpoch(report.closing->closedAt, Qt::UTC)),
                       report.closing->closedBy, report.closing->sha256)
            : QCoreApplication::translate("CompanyReportPdf", "Provisional: this month is not closed yet");
    QString html =
        QStringLiteral("<h1 style=\"margin:0\">%1</h1><p style=\"color:#555\">%2 · %3 (%4)<br>%5</p>")
            .arg(company.name.toHtmlEscaped(),
                 QCoreApplication::translate("CompanyReportPdf", "Monthly cost report").toHtmlEscaped(),
                 Format::month(month).toHtmlEscaped(), report.timeZone.toHtmlEscaped(),
                 state.toHtmlEscaped());
    html += QStringLiteral("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"6\" border=\"0\">");
    html += row(QCoreApplication::translate("CompanyReportPdf", "Plan"), displayName(company.plan));
    html += row(QCoreApplication::translate("CompanyReportPdf", "Dedicated numbers"),
                Format::integer(company.dedicatedNumbers));
    html += row(QCoreApplication::translate("CompanyReportPdf", "Dedicated number rental"),
                Format::money(company.dedicatedRental));
    html +=
        row(QCoreApplication::translate(
                "CompanyReportPdf", "Share of the shared-pool rental (%1 billed minutes on shared numbers)")
                .arg(Format::integer(company.sharedMinutes)),
            Format::money(company.sharedRentalShare));
    html += row(QCoreApplication::translate("CompanyReportPdf", "Outbound calls (%Ln call(s), %1 minutes)",
                                            nullptr, int(company.outboundCalls))
                    .arg(Format::integer(company.outboundMinutes)),
                Format::money(company.outbound));
    html += row(QCoreApplication::translate("CompanyReportPdf", "Inbound calls (%Ln call(s), %1 minutes)",
                                            nullptr, int(company.inboundCalls))
                    .arg(Format::integer(company.inboundMinutes)),
                Format::money(company.inbound));
    for (const CostAdjustment &adjustment : company.adjustments)
        html += row(QCoreApplication::translate("CompanyReportPdf", "Corrections to %1 (closed)")
                        .arg(Format::month(QDate::fromString(adjustment.month + QStringLiteral("-01"),
                                                             QStringLiteral("yyyy-MM-dd")))),
                    Format::money(adjustment.total()));
    html += row(QCoreApplication::translate("CompanyReportPdf", "Total"), Format::money(company.total), true);
    if (company.twilioPricedCalls > 0)
        html += row(QCoreApplication::translate(
                        "CompanyReportPdf", "Twilio-billed for %1 priced calls (our estimate for them: %2)")
                        .arg(Format::integer(company.twilioPricedCalls),
                             Format::money(company.estimateOfTwilioPriced)),
                    Format::money(company.twilioBilled));
    html += QStringLiteral("</table>");
    html += QStringLiteral("<p style=\"color:#555; font-size:small\">%1<br>%2</p>")
                .arg(CostReport::sharingRule().toHtmlEscaped(), CostReport::pricingRule().toHtmlEscaped());
    QTextDocument doc;
    QFont font(QStringLiteral("sans-serif"));
    font.setPointSizeF(10);
    doc.setDefaultFont(font);
    doc.setHtml(html);
    doc.setTextWidth(area.width() / (writer.resolution() / 96.0));
    painter.save();
    const double scale = writer.resolution() / 96.0;
    painter.scale(scale, scale);
    doc.drawContents(&painter);
    painter.restore();
    const qreal textHeight = doc.size().height() * scale;

    // Chart 1: the month by category.
    auto *categories = new QChart;
    categories->setTitle(QCoreApplication::translate("CompanyReportPdf", "This month by category (USD)"));
    auto *pie = new QPieSeries(categories);
    const QList<QPair<QString, Micros>> parts{
        {QCoreApplication::translate("CompanyReportPdf", "Dedicated rental"), company.dedicatedRental},
        {QCoreApplication::translate("CompanyReportPdf", "Shared-pool share"), company.sharedRentalShare},
        {QCoreApplication::translate("CompanyReportPdf", "Outbound"), company.outbound},
        {QCoreApplication::translate("CompanyReportPdf", "Inbound"), company.inbound}};
    for (const auto &[label, amount] : parts)
        if (amount > 0)
            pie->append(QStringLiteral("%1 %2").arg(label, Format::money(amount)), dollars(amount));
    pie->setLabelsVisible(true);
    categories->addSeries(pie);
    categories->legend()->hide();
    Charts::style(categories);

    // Chart 2: month over month.
    auto *months = new QChart;
    months->setTitle(QCoreApplication::translate("CompanyReportPdf", "Total per month (USD)"));
    auto *bars = new QBarSeries(months);
    auto *set = new QBarSet(company.name, bars);
    QStringList labels;
    double max = 0;
    for (const auto &[m, amount] : history) {
        labels << m;
        *set << dollars(amount);
        max = std::max(max, dollars(amount));
    }
    bars->append(set);
    months->addSeries(bars);
    auto *x = new QBarCategoryAxis;
    x->append(labels);
    months->addAxis(x, Qt::AlignBottom);
    bars->attachAxis(x);
    bars->attachAxis(Charts::valueAxis(max, QStringLiteral("USD"), false, months, Qt::AlignLeft));
    months->legend()->hide();
    Charts::style(months);

    const qreal top = textHeight + area.height() * 0.02;
    const qreal chartHeight =
        std::min((area.height() - top) / 2.0 - area.height() * 0.01, area.width() * 0.6);
    renderChart(categories, painter, QRectF(0, top, area.width(), chartHeight));
    if (!history.isEmpty())
        renderChart(months, painter,
                    QRectF(0, top + chartHeight + area.height() * 0.01, area.width(), chartHeight));
    else
        delete months;
    painter.setPen(QColor(120, 120, 120));
    QFont small = painter.font();
    small.setPointSizeF(7);
    painter.setFont(small);
    painter.drawText(QRectF(0, area.height() - area.height() * 0.02, area.width(), area.height() * 0.02),
                     Qt::AlignRight | Qt::AlignVCenter,
                     QCoreApplication::translate("CompanyReportPdf", "PoolDesk · generated %1")
                         .arg(Format::dateTime(QDateTime::currentDateTimeUtc())));
    if (!painter.end())
        return makeError(Error::Code::Storage,
                         QCoreApplication::translate("CompanyReportPdf", "Writing %1 failed.")
                             .arg(QDir::toNativeSeparators(path)));
    return success();
}

} // namespace PoolDesk::Ui::CompanyReportPdf
