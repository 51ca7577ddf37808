#pragma once

#include "common/MessageWidget.h"

#include <QIcon>
#include <QWidget>

class QAbstractItemModel;

namespace PoolDesk::Ui {

class Workspace;

// One page of the main window (Pool, Companies, Calls ...). The window routes the standard
// commands (refresh, find, export) to the visible page and shows its messages in the banner.
class View : public QWidget {
    Q_OBJECT
public:
    explicit View(Workspace &workspace, QWidget *parent = nullptr)
        : QWidget(parent)
        , m_workspace(workspace) {}

    virtual QString title() const = 0;
    virtual QIcon icon() const = 0;
    // F5: reload from the database.
    virtual void refresh() {}
    // Ctrl+F: put the cursor in the page's filter.
    virtual void focusFilter() {}
    // Ctrl+E: export what the page shows (with its filters) as CSV.
    virtual bool canExport() const { return false; }
    virtual void exportCsv() {}
    // The page became visible (load lazily on first show).
    virtual void activated() {}

signals:
    void message(const QString &text, PoolDesk::Ui::MessageWidget::Type type);

protected:
    void info(const QString &text) { emit message(text, MessageWidget::Type::Information); }
    void positive(const QString &text) { emit message(text, MessageWidget::Type::Positive); }
    void warning(const QString &text) { emit message(text, MessageWidget::Type::Warning); }
    void error(const QString &text) { emit message(text, MessageWidget::Type::Error); }

    Workspace &m_workspace;
};

} // namespace PoolDesk::Ui
