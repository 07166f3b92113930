import Foundation
import HedgeGridData
import HedgeGridRPC

/// `data/import` and `data/list`: the market-data catalog.
enum DataMethods {
    static func register(on server: RPCServer) {
        server.register(MethodName.dataImport) { context, params in
            let request = try params.decodeParams(DataImportParams.self)
            guard !request.files.isEmpty else { throw RPCError.invalidParams("field 'files' must list at least one file") }
            let kind = try dataKind(request.dataType)
            let directory = request.workingDirectory ?? FileManager.default.currentDirectoryPath
            let files = request.files.map { absolute($0, in: directory) }
            let root = catalogRoot(request.output, workingDirectory: directory, server: context.server)
            return try await Task.detached(priority: .userInitiated) {
                do {
                    let catalog = try MarketCatalog(root: root)
                    let added = try catalog.importFiles(files, symbol: request.symbol, kind: kind)
                    return try JSONValue(encoding: ImportAnswer(catalog: root, rowsAdded: added, coverage: try catalog.coverage()))
                } catch let error as MarketDataError {
                    throw RPCError(code: RPCError.dataFailedCode, message: error.description)
                }
            }.value
        }
        server.register(MethodName.dataList) { context, params in
            let request = try params.decodeParams(DataListParams.self)
            let directory = request.workingDirectory ?? FileManager.default.currentDirectoryPath
            let root = catalogRoot(request.output, workingDirectory: directory, server: context.server)
            guard FileManager.default.fileExists(atPath: root + "/catalog.sqlite") else {
                return try JSONValue(encoding: ListAnswer(catalog: root, coverage: []))
            }
            do {
                return try JSONValue(encoding: ListAnswer(catalog: root, coverage: try MarketCatalog(root: root).coverage()))
            } catch let error as MarketDataError {
                throw RPCError(code: RPCError.dataFailedCode, message: error.description)
            }
        }
    }

    /// Opens an existing catalog, or says there is none.
    static func existingCatalog(_ root: String) throws -> MarketCatalog {
        guard FileManager.default.fileExists(atPath: root + "/catalog.sqlite") else {
            throw RPCError(code: RPCError.dataFailedCode, message: "no catalog at \(root)")
        }
        do {
            return try MarketCatalog(root: root)
        } catch {
            throw RPCError(code: RPCError.dataFailedCode, message: "\(error)")
        }
    }

    static func dataKind(_ name: String?) throws -> DataKind? {
        guard let name else { return nil }
        guard let kind = DataKind(rawValue: name) else {
            throw RPCError.invalidParams("field 'dataType' must be one of last, mark, funding, trades (got '\(name)')")
        }
        return kind
    }

    static func registerDownload(on server: RPCServer) {
        server.register(MethodName.dataDownload) { context, params in
            let request = try params.decodeParams(DataDownloadParams.self)
            guard request.end > request.start else { throw RPCError.invalidParams("field 'end' must be after 'start'") }
            let mode = request.mode ?? "auto"
            guard ["auto", "bulk", "rest"].contains(mode) else {
                throw RPCError.invalidParams("field 'mode' must be auto, bulk or rest (got '\(mode)')")
            }
            let kinds = try (request.dataTypes ?? ["last", "funding"]).map { name -> DataKind in
                guard let kind = DataKind(rawValue: name) else {
                    throw RPCError.invalidParams("field 'dataTypes' takes last, mark, funding, trades (got '\(name)')")
                }
                return kind
            }
            func url(_ given: String?, _ variable: String, _ configured: String?, _ fallback: URL, field: String) throws -> URL {
                let text = given ?? ProcessInfo.processInfo.environment[variable] ?? configured ?? fallback.absoluteString
                guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https" else {
                    throw RPCError.invalidParams("field '\(field)' must be an http or https URL (got '\(text)')")
                }
                return url
            }
            let configuration = context.server.configuration
            let baseURL = try url(request.bulkUrl, "HEDGEGRID_BULK_URL", configuration.bulkURL, DataMethods.defaultBulkURL, field: "bulkUrl")
            let restURL = try url(request.restUrl, "HEDGEGRID_REST_URL", configuration.restURL, DataMethods.defaultRestURL, field: "restUrl")
            let directory = request.workingDirectory ?? FileManager.default.currentDirectoryPath
            let root = catalogRoot(request.output, workingDirectory: directory, server: context.server)
            do {
                // Created (or checked) here, so a bad catalog is an error of the request itself.
                _ = try MarketCatalog(root: root)
            } catch {
                throw RPCError(code: RPCError.dataFailedCode, message: "\(error)")
            }
            let job: JSONValue = [
                "symbol": .string(request.symbol), "kinds": .array(kinds.map { .string($0.rawValue) }), "start": .int(request.start),
                "end": .int(request.end), "mode": .string(mode), "bulkURL": .string(baseURL.absoluteString),
                "restURL": .string(restURL.absoluteString), "catalogRoot": .string(root),
            ]
            let title = "download \(request.symbol) \(kinds.map(\.rawValue).joined(separator: ","))"
            let info = try await context.server.jobs.start(kind: MethodName.dataDownload, title: title, owner: context.session.id) { progress in
                try await DownloadWorker.run(request: job) { percentage, message in
                    await progress.report(percentage: percentage, message: message)
                }
            }
            return try JSONValue(encoding: JobStarted(jobId: info.id))
        }
    }

    /// Binance's bulk archives and USD-M REST API (the helper's defaults, repeated for messages).
    static let defaultBulkURL = URL(string: "https://data.binance.vision")!
    static let defaultRestURL = URL(string: "https://fapi.binance.com")!

    static func registerMaintenance(on server: RPCServer) {
        server.register(MethodName.dataVerify) { context, params in
            let request = try params.decodeParams(DataVerifyParams.self)
            let directory = request.workingDirectory ?? FileManager.default.currentDirectoryPath
            let catalog = try existingCatalog(catalogRoot(request.output, workingDirectory: directory, server: context.server))
            let report = try await Task.detached(priority: .userInitiated) {
                try CatalogVerifier(catalog: catalog).verify(symbol: request.symbol, start: request.start ?? .min, end: request.end ?? .max)
            }.value
            guard !report.rowsChecked.isEmpty else {
                throw RPCError(code: RPCError.dataFailedCode, message: "no data for \(request.symbol) in \(catalog.root)")
            }
            var answer = try JSONValue(encoding: report)
            if case .object(var members) = answer {
                members["ok"] = .bool(report.ok)
                answer = .object(members)
            }
            return answer
        }
        server.register(MethodName.dataDelete) { context, params in
            let request = try params.decodeParams(DataDeleteParams.self)
            let kind = try dataKind(request.dataType)
            let directory = request.workingDirectory ?? FileManager.default.currentDirectoryPath
            let catalog = try existingCatalog(catalogRoot(request.output, workingDirectory: directory, server: context.server))
            let removed = try catalog.delete(symbol: request.symbol, kind: kind)
            return ["rowsRemoved": .int(Int64(removed))]
        }
    }

    struct ImportAnswer: Encodable {
        var catalog: String
        var rowsAdded: Int
        var coverage: [MarketCatalog.Coverage]
    }

    struct ListAnswer: Encodable {
        var catalog: String
        var coverage: [MarketCatalog.Coverage]
    }

    static func absolute(_ path: String, in directory: String) -> String {
        path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
    }

    /// `output` (relative to the client's directory), else the daemon's `<state>/catalog`.
    static func catalogRoot(_ output: String?, workingDirectory: String, server: RPCServer) -> String {
        output.map { absolute($0, in: workingDirectory) } ?? server.configuration.paths.stateDirectory + "/catalog"
    }
}
