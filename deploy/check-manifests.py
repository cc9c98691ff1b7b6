#!/usr/bin/env python3
"""Checks deploy/kubernetes/*.yaml without a cluster.

    python3 deploy/check-manifests.py

1. Every file parses as YAML, and every document has apiVersion, kind and metadata.name.
2. Every field is one the Kubernetes API knows, with a value of the right shape, when the Kubernetes Python
   client's models are installed (Debian: apt-get install python3-kubernetes). They lag the API: a kind they do not
   have is checked against the nearest version they do (autoscaling/v2 against v2beta2), and said so.
3. What this deployment relies on: the grace period outlasts the drain delay plus the app's 10 s for requests in
   flight, probes on /health/ready and /health/live, a non-root read-only container without capabilities, and the
   Service, PodDisruptionBudget and autoscaler all aimed at the Deployment's pods.

`kubectl apply --dry-run=server` against a real cluster checks more (admission, the API server's own defaults);
this is what can be checked without one. Exits 1 on the first file that does not parse, else after all problems.
"""

import glob
import os
import re
import sys

import yaml

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kubernetes")
IN_FLIGHT_SECONDS = 10  # ShutdownOptions.InFlightTimeout: the host's shutdown timeout before the drain is added
problems = []
notes = []


def problem(text):
    problems.append(text)


def load():
    documents = []
    for path in sorted(glob.glob(os.path.join(HERE, "*.yaml"))):
        with open(path, encoding="utf-8") as file:
            try:
                found = [d for d in yaml.safe_load_all(file) if d is not None]
            except yaml.YAMLError as error:
                print(f"{os.path.basename(path)}: not YAML: {error}")
                sys.exit(1)
        for document in found:
            for key in ("apiVersion", "kind"):
                if key not in document:
                    problem(f"{os.path.basename(path)}: no {key}")
            if not (document.get("metadata") or {}).get("name"):
                problem(f"{os.path.basename(path)}: no metadata.name")
            documents.append((os.path.basename(path), document))
    return documents


# --- 2. Fields against the API's models -------------------------------------------------------------------------

MODEL_FOR = {
    ("v1", "ConfigMap"): "V1ConfigMap",
    ("v1", "Service"): "V1Service",
    ("v1", "Secret"): "V1Secret",
    ("apps/v1", "Deployment"): "V1Deployment",
    ("policy/v1", "PodDisruptionBudget"): "V1PodDisruptionBudget",
    ("autoscaling/v2", "HorizontalPodAutoscaler"): "V2HorizontalPodAutoscaler",
}
FALLBACK = {"V2HorizontalPodAutoscaler": "V2beta2HorizontalPodAutoscaler"}
PRIMITIVES = {"str": str, "int": int, "bool": bool, "float": (int, float), "object": object}


def check_fields(where, value, type_name, models):
    if type_name.startswith("list["):
        if not isinstance(value, list):
            problem(f"{where}: must be a list")
            return
        for index, item in enumerate(value):
            check_fields(f"{where}[{index}]", item, type_name[5:-1], models)
        return
    if type_name.startswith("dict("):
        if not isinstance(value, dict):
            problem(f"{where}: must be a map")
            return
        inner = type_name[5:-1].split(", ", 1)[1]
        for key, item in value.items():
            check_fields(f"{where}.{key}", item, inner, models)
        return
    if type_name in PRIMITIVES:
        if type_name == "str" and isinstance(value, (int, bool)) and not isinstance(value, str):
            problem(f"{where}: must be a string (quote it): {value!r}")
        elif not isinstance(value, PRIMITIVES[type_name]) or (type_name == "int" and isinstance(value, bool)):
            problem(f"{where}: must be {type_name}: {value!r}")
        return
    model = getattr(models, type_name, None)
    if model is None:
        return  # IntOrString, Quantity and the like: any scalar
    if not isinstance(value, dict):
        problem(f"{where}: must be an object ({type_name})")
        return
    by_json_name = {json: python for python, json in model.attribute_map.items()}
    for key, item in value.items():
        if key not in by_json_name:
            problem(f"{where}.{key}: no such field in {type_name}")
            continue
        check_fields(f"{where}.{key}", item, model.openapi_types[by_json_name[key]], models)


def check_schemas(documents):
    try:
        from kubernetes.client import models
    except ImportError:
        notes.append("fields not checked against the API: the Kubernetes Python client is not installed")
        return
    for file, document in documents:
        name = MODEL_FOR.get((document.get("apiVersion"), document.get("kind")))
        if name is None:
            problem(f"{file}: {document.get('apiVersion')} {document.get('kind')} is not one this script knows")
            continue
        if not hasattr(models, name):
            notes.append(f"{file}: {name} is not in this Kubernetes client; checked against {FALLBACK[name]}")
            name = FALLBACK[name]
        check_fields(file, document, name, models)


# --- 3. What this deployment relies on --------------------------------------------------------------------------


def seconds(duration):
    match = re.fullmatch(r"(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?", duration)
    if not match:
        return None
    days, hours, minutes, secs = (int(group or 0) for group in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + secs


def check_deployment(documents):
    by_kind = {}
    for file, document in documents:
        by_kind.setdefault(document.get("kind"), []).append(document)
    missing = [kind for kind in ("Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "ConfigMap")
               if len(by_kind.get(kind, [])) != 1]
    for kind in missing:
        problem(f"expected one {kind}, found {len(by_kind.get(kind, []))}")
    if missing:
        return

    deployment = by_kind["Deployment"][0]
    config = by_kind["ConfigMap"][0].get("data", {})
    spec = deployment["spec"]
    pod = spec["template"]["spec"]
    labels = spec["template"]["metadata"]["labels"]
    container = pod["containers"][0]

    if spec.get("replicas", 1) < 2:
        problem("Deployment: fewer than 2 replicas")
    if spec["selector"]["matchLabels"].items() > labels.items():
        problem("Deployment: the selector does not match the pod's labels")

    for key in ("AuthAction__Domain", "AuthAction__Audience"):
        if not config.get(key):
            problem(f"ConfigMap: {key} is not set")
    refs = [source.get("configMapRef", {}).get("name") for source in container.get("envFrom", [])]
    if by_kind["ConfigMap"][0]["metadata"]["name"] not in refs:
        problem("Deployment: the ConfigMap is not in envFrom")

    drain = seconds(config.get("Shutdown__DrainDelay", "00:00:10"))
    grace = pod.get("terminationGracePeriodSeconds", 30)
    if drain is None or not 0 <= drain <= 300:
        problem("ConfigMap: Shutdown__DrainDelay is not a duration from 00:00:00 to 00:05:00")
    elif grace <= drain + IN_FLIGHT_SECONDS:
        problem(f"Deployment: terminationGracePeriodSeconds {grace} must exceed the drain ({drain} s) + {IN_FLIGHT_SECONDS} s in flight")

    probes = {"readinessProbe": "/health/ready", "livenessProbe": "/health/live"}
    port_names = {port.get("name"): port["containerPort"] for port in container.get("ports", [])}
    for probe, path in probes.items():
        http = container.get(probe, {}).get("httpGet", {})
        if http.get("path") != path:
            problem(f"Deployment: {probe} must GET {path}")
        if http.get("port") not in port_names and http.get("port") not in port_names.values():
            problem(f"Deployment: {probe} port is not a container port")
    if str(port_names.get("http")) != str(config.get("ASPNETCORE_HTTP_PORTS")):
        problem("Deployment: the http port is not the one ASPNETCORE_HTTP_PORTS makes the app listen on")

    resources = container.get("resources", {})
    for bound in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            if resource not in resources.get(bound, {}):
                problem(f"Deployment: no {bound}.{resource}")

    pod_security = pod.get("securityContext", {})
    security = container.get("securityContext", {})
    if not (pod_security.get("runAsNonRoot") or security.get("runAsNonRoot")):
        problem("Deployment: runAsNonRoot is not set")
    if not isinstance(pod_security.get("runAsUser", security.get("runAsUser")), int):
        problem("Deployment: no numeric runAsUser, so Kubernetes cannot check the image's user is not root")
    if security.get("readOnlyRootFilesystem") is not True:
        problem("Deployment: readOnlyRootFilesystem is not true")
    if security.get("allowPrivilegeEscalation") is not False:
        problem("Deployment: allowPrivilegeEscalation is not false")
    if security.get("capabilities", {}).get("drop") != ["ALL"]:
        problem("Deployment: capabilities do not drop ALL")
    mounts = {mount["mountPath"]: mount["name"] for mount in container.get("volumeMounts", [])}
    volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
    if "emptyDir" not in volumes.get(mounts.get("/tmp"), {}):
        problem("Deployment: /tmp is not a writable emptyDir")

    service = by_kind["Service"][0]["spec"]
    if service["selector"].items() > labels.items():
        problem("Service: the selector does not match the pod's labels")
    for port in service["ports"]:
        if port["targetPort"] not in port_names and port["targetPort"] not in port_names.values():
            problem(f"Service: targetPort {port['targetPort']} is not a container port")

    budget = by_kind["PodDisruptionBudget"][0]["spec"]
    if budget["selector"]["matchLabels"].items() > labels.items():
        problem("PodDisruptionBudget: the selector does not match the pod's labels")

    autoscaler = by_kind["HorizontalPodAutoscaler"][0]["spec"]
    target = autoscaler["scaleTargetRef"]
    if (target["kind"], target["name"]) != ("Deployment", deployment["metadata"]["name"]):
        problem("HorizontalPodAutoscaler: does not scale the Deployment")
    if autoscaler.get("minReplicas", 1) < 2:
        problem("HorizontalPodAutoscaler: minReplicas below 2")
    if not any(m.get("resource", {}).get("name") == "cpu" for m in autoscaler.get("metrics", [])):
        problem("HorizontalPodAutoscaler: no CPU metric")


documents = load()
check_schemas(documents)
check_deployment(documents)
for note in notes:
    print(f"note: {note}")
for text in problems:
    print(f"problem: {text}")
print(f"{len(documents)} manifests in {os.path.relpath(HERE)}: {'no problems' if not problems else f'{len(problems)} problems'}")
sys.exit(1 if problems else 0)
