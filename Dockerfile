# syntax=docker/dockerfile:1
# The images of the docker-compose demo (docker-compose.yml), built from this source tree:
#   docker compose up --build
# Two targets share one build: `coordinator` (one coordinator node) and `bank` (the bank jar: shard agent or gateway).

FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY protocol/ protocol/
COPY coordinator-service/ coordinator-service/
COPY participant-agent/ participant-agent/
COPY sample-bank-app/ sample-bank-app/
# The cache keeps Maven's downloads between builds; the jars are copied out to fixed names because the cache
# mount (and the version in their names) is not part of the next stage.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -q -DskipTests package \
 && version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -n 1) \
 && mkdir /out \
 && cp "coordinator-service/target/coordinator-service-$version.jar" /out/coordinator.jar \
 && cp "sample-bank-app/target/sample-bank-app-$version.jar" /out/bank.jar

FROM eclipse-temurin:21-jre AS runtime
# Not root. Both directories are made here so that the named volumes mounted on them belong to this user:
# /var/lib/verdict holds a node's data, /etc/verdict/secrets the declaration key (read as a Spring config tree).
RUN useradd --system --uid 10001 --home-dir /var/lib/verdict --create-home verdict \
 && install -d -o verdict -m 700 /etc/verdict/secrets
USER verdict
WORKDIR /var/lib/verdict
# The demo launcher's settings (TopologySpec.DEFAULT_JVM_OPTIONS): seven JVMs share one machine. The address
# cache is short because a restarted container may come back at another address.
ENV JAVA_OPTS="-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dsun.net.inetaddr.ttl=5"
EXPOSE 8080

FROM runtime AS coordinator
COPY --from=build /out/coordinator.jar /opt/verdict/coordinator.jar
EXPOSE 9870
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/verdict/coordinator.jar \"$@\"", "coordinator"]

FROM runtime AS bank
COPY --from=build /out/bank.jar /opt/verdict/bank.jar
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/verdict/bank.jar \"$@\"", "bank"]
