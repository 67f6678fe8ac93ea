import Foundation

/// `GET /openapi.json`: an OpenAPI 3.1 description of every route in ``APIRoute``, with this
/// server's limits written in.
enum OpenAPIDocument {
    static func json(configuration: ServerConfiguration) -> Data {
        var paths: [String: Any] = [:]
        for route in APIRoute.allCases {
            var operation = self.operation(route, configuration: configuration)
            if route.needsToken, configuration.bearerToken != nil { operation["security"] = [["bearer": [String]()]] }
            var item = paths[route.path] as? [String: Any] ?? [:]
            item[route.method.rawValue.lowercased()] = operation
            paths[route.path] = item
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": [
                "title": "SyncDefense API",
                "version": configuration.version,
                "description": "Decides whether the mouth movement and the speech in a video belong together. "
                    + "Uploads are checked by probing their content; at most \(configuration.maxUploadBytes) bytes each; "
                    + "\(configuration.workers) analyses run at once and \(configuration.queueDepth) more wait.",
            ],
            "paths": paths,
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
                "schemas": schemas,
            ],
        ]
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    private static func operation(_ route: APIRoute, configuration: ServerConfiguration) -> [String: Any] {
        switch route {
        case .detect, .report:
            let isReport = route == .report
            var responses: [String: Any] = [
                "400": error("Bad option, empty, truncated or malformed upload"),
                "401": error("Missing or wrong bearer token (nothing was read or analysed)"),
                "405": error("Wrong method (the Allow header names the right one)"),
                "408": error("The upload did not arrive within the request time limit"),
                "413": error("The upload exceeds \(configuration.maxUploadBytes) bytes"),
                "415": error("The content is not a media file this server can read (checked by probing, not by name or type)"),
                "422": error("A media file that cannot be analysed: no video or no audio stream, too short, over a limit"),
                "503": error("Busy (queue full or the time limit passed; see Retry-After) or the model is not loaded yet"),
            ]
            if isReport {
                responses["200"] = ["description": "The evidence report", "content": ["application/zip": ["schema": ["type": "string", "format": "binary"]]]]
                responses["501"] = error("Report export is not in this build")
            } else {
                responses["200"] = ["description": "The verdict: the seed's four keys; with detail=full the whole analysis under `analysis`",
                                    "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Detection"]]]]
            }
            return [
                "summary": isReport ? "Analyse a clip and answer a zip of the evidence report" : "Decide whether a clip's lip sync was manipulated",
                "parameters": optionParameters,
                "requestBody": [
                    "required": true,
                    "description": "The clip as the raw body (any Content-Type; the content is probed), or multipart/form-data with "
                        + "the clip in the field `file` and options as further text fields (a field overrides the same query option).",
                    "content": [
                        "application/octet-stream": ["schema": ["type": "string", "format": "binary"]],
                        "video/*": ["schema": ["type": "string", "format": "binary"]],
                        "multipart/form-data": ["schema": [
                            "type": "object", "required": ["file"],
                            "properties": [
                                "file": ["type": "string", "format": "binary"],
                                "roi": ["type": "string"], "face": ["type": "string"], "threshold": ["type": "string"], "margin": ["type": "string"],
                                "aggregation": ["type": "string"],
                                "detail": ["type": "string", "enum": ["seed", "full"]],
                            ] as [String: Any],
                        ] as [String: Any]],
                    ] as [String: Any],
                ] as [String: Any],
                "responses": responses,
            ]
        case .healthz:
            return ["summary": "Liveness: the process answers", "responses": [
                "200": ["description": "Alive", "content": ["application/json": ["schema": [
                    "type": "object", "properties": ["status": ["type": "string", "const": "ok"]]]]]],
            ] as [String: Any]]
        case .readyz:
            let body: [String: Any] = ["application/json": ["schema": ["$ref": "#/components/schemas/Readiness"]]]
            return ["summary": "Readiness: the workers' models are loaded", "responses": [
                "200": ["description": "Ready", "content": body],
                "503": ["description": "Loading, or the weights could not be loaded", "content": body],
            ] as [String: Any]]
        case .version:
            return ["summary": "Tool version, weights hash, preset and the threshold in use", "responses": [
                "200": ["description": "Version", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Version"]]]],
                "401": error("Missing or wrong bearer token"),
            ] as [String: Any]]
        case .openapi:
            return ["summary": "This document", "responses": [
                "200": ["description": "OpenAPI 3.1", "content": ["application/json": ["schema": ["type": "object"]]]],
                "401": error("Missing or wrong bearer token"),
            ] as [String: Any]]
        }
    }

    private static var optionParameters: [[String: Any]] {
        [
            ["name": "roi", "in": "query", "description": "Mouth region x,y,w,h in the displayed frame (default: found by face tracking)",
             "schema": ["type": "string", "pattern": "^[0-9]+,[0-9]+,[0-9]+,[0-9]+$"]],
            ["name": "face", "in": "query",
             "description": "Without roi: auto (follow the face whose mouth moves with the sound), a face number 0, 1, … (by first appearance), or whole-frame for a mouth-centred clip",
             "schema": ["type": "string", "pattern": "^(auto|whole-frame|[0-9]+)$", "default": "auto"]],
            ["name": "threshold", "in": "query", "description": "Fake at or above this probability (default: stored with the weights, else 0.5)",
             "schema": ["type": "number", "minimum": 0, "maximum": 1]],
            ["name": "margin", "in": "query", "description": "Uncertain within this of the threshold",
             "schema": ["type": "number", "minimum": 0, "maximum": 0.5]],
            ["name": "aggregation", "in": "query",
             "description": "How window probabilities make the clip's: mean (calibrated for any clip length), median, max, or top-K (the mean of the K highest)",
             "schema": ["type": "string", "pattern": "^(mean|median|max|top-[1-9][0-9]*)$", "default": "mean"]],
            ["name": "detail", "in": "query", "description": "seed: the four keys; full: also the whole analysis under `analysis`",
             "schema": ["type": "string", "enum": ["seed", "full"], "default": "seed"]],
        ]
    }

    private static func error(_ description: String) -> [String: Any] {
        ["description": description, "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
    }

    private static var schemas: [String: Any] {
        [
            "Detection": [
                "type": "object",
                "required": ["is_real", "is_fake", "confidence", "manipulation_probability"],
                "properties": [
                    "is_real": ["type": "boolean"],
                    "is_fake": ["type": "boolean"],
                    "confidence": ["type": "number", "minimum": 0, "maximum": 1, "description": "Probability of the predicted class"],
                    "manipulation_probability": ["type": ["number", "null"], "minimum": 0, "maximum": 1,
                                                 "description": "null when the clip has no speech to judge"],
                    "analysis": ["type": "object", "description": "With detail=full: the whole analysis (Docs/analysis.md)"],
                ] as [String: Any],
            ] as [String: Any],
            "Error": [
                "type": "object", "required": ["error"],
                "properties": ["error": [
                    "type": "object", "required": ["code", "message", "status"],
                    "properties": ["code": ["type": "string"], "message": ["type": "string"], "status": ["type": "integer"]],
                ] as [String: Any]],
            ] as [String: Any],
            "Readiness": [
                "type": "object", "required": ["ready", "state", "pool"],
                "properties": [
                    "ready": ["type": "boolean"], "state": ["type": "string", "enum": ["loading", "ready", "failed"]],
                    "error": ["type": "string"], "pool": ["type": "object"],
                ] as [String: Any],
            ] as [String: Any],
            "Version": [
                "type": "object", "required": ["tool", "version", "api", "weights_sha256", "preset", "threshold"],
                "properties": [
                    "tool": ["type": "string"], "version": ["type": "string"], "api": ["type": "string"],
                    "weights_sha256": ["type": ["string", "null"]], "preset": ["type": ["string", "null"]],
                    "threshold": ["type": ["number", "null"]], "threshold_source": ["type": ["string", "null"]],
                ] as [String: Any],
            ] as [String: Any],
        ]
    }
}
