// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "exposition/collection_p.h"

#include <prometheus/collectable.h>

#include <exception>
#include <iterator>

namespace QtPrometheusPrivate {

namespace {
QString failure(const QString &why)
{
    return QStringLiteral("collecting metrics failed: %1").arg(why);
}
} // namespace

Collection collectMetrics(const std::vector<std::weak_ptr<prometheus::Collectable>> &collectables)
{
    Collection collection;
    try {
        for (const auto &weak : collectables) {
            if (const auto collectable = weak.lock()) {
                auto collected = collectable->Collect();
                if (collection.families.empty()) {
                    collection.families = std::move(collected);
                    continue;
                }
                collection.families.insert(collection.families.end(),
                                           std::make_move_iterator(collected.begin()),
                                           std::make_move_iterator(collected.end()));
            }
        }
    } catch (const std::exception &e) {
        collection.error = failure(QString::fromUtf8(e.what()));
    } catch (...) {
        // Anything may be thrown; unhandled on the render thread, it would end
        // the process.
        collection.error = failure(QStringLiteral("unknown exception"));
    }
    if (collection.failed())
        std::vector<prometheus::MetricFamily>().swap(collection.families);
    return collection;
}

} // namespace QtPrometheusPrivate
